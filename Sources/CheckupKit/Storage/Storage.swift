import Foundation

/// Somewhere check results are kept.
public protocol Storage: Sendable {
    /// Stores one round of results as a new, uniquely named check file.
    func store(_ results: [CheckResult]) async throws
}

/// A storage whose check files can be listed and read back, e.g. to serve a status page.
public protocol StorageReader: Sendable {
    /// The check files stored: file name → when it was stored, in UTC Unix nanoseconds.
    func index() async throws -> [String: Int64]
    /// The results in one check file named by `index()`.
    func fetch(_ name: String) async throws -> [CheckResult]
    /// Every check file the storage holds, also those its index may lack (a rebuild reads
    /// these); by default `index()`.
    func allCheckFiles() async throws -> [String: Int64]
    /// The names of `allCheckFiles()`, in any order, for a reader that can list them without
    /// reading when each was stored; by default its keys.
    func checkFileNames() async throws -> [String]
}

extension StorageReader {
    public func allCheckFiles() async throws -> [String: Int64] { try await index() }
    public func checkFileNames() async throws -> [String] { Array(try await allCheckFiles().keys) }
}

/// A storage over the network, which may be out of reach: the rounds it cannot take wait in a
/// local `Spool` and are uploaded, in order and exactly once, when it is back.
public protocol SpoolingStorage: Storage {
    /// Where rounds wait while the store cannot be reached.
    var spool: Spool { get }
    /// Stores a spooled round as the check file `name`, once: when that object already holds
    /// exactly `data` (an upload whose answer was lost), nothing is written; when it holds
    /// something else, the next free name is used. Returns the name stored under.
    func storeSpooled(_ name: String, data: Data) async throws -> String
}

/// A storage that can keep the status page's summary objects (`summaries/…`) beside its check
/// files, with compare-and-swap writes so that no update is lost.
public protocol SummaryStorage: Sendable {
    /// Reads the object `key` and a version tag for `writeSummaryObject`; nil when it does not exist.
    func readSummaryObject(_ key: String) async throws -> (data: Data, tag: String)?
    /// Writes `data` to `key` only if the object is still at version `tag` (nil: only if it does
    /// not exist). Returns false, writing nothing, when another writer changed it first.
    func writeSummaryObject(_ key: String, _ data: Data, ifMatching tag: String?) async throws -> Bool
    /// Deletes the objects; missing ones are no error.
    func deleteSummaryObjects(_ keys: [String]) async throws
}

/// The keys a `SummaryStorage` accepts: `summaries/<name>.json`, the name of letters, digits, `.`,
/// `_` and `-` (not starting with a dot), so that no key can point anywhere else.
enum SummaryKey {
    static let folder = "summaries"

    static func check(_ key: String) throws(CheckupError) {
        let name = key.hasPrefix(folder + "/") ? String(key.dropFirst(folder.count + 1)) : ""
        guard name.hasSuffix(".json"), name.count > 5, !name.hasPrefix("."),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw CheckupError(.storage, "\(JSONValue.string(key).shortText) is not a summary key")
        }
    }
}

/// A storage that cleans up after itself, e.g. deleting check files older than `check_expiry`.
public protocol Maintainer: Sendable {
    /// Performs maintenance; called after every stored round.
    func maintain() async throws
}

/// What provisioning a storage created: the public, read-only credentials for a status page.
public struct ProvisionInfo: Sendable, Equatable, CustomStringConvertible {
    /// The id of the created user.
    public var userID: String
    /// The name of the created user.
    public var username: String
    /// The read-only access key id for the status page.
    public var publicAccessKeyID: String
    /// The read-only secret key for the status page.
    public var publicAccessKey: String

    /// Creates provisioning info.
    public init(userID: String, username: String, publicAccessKeyID: String, publicAccessKey: String) {
        self.userID = userID
        self.username = username
        self.publicAccessKeyID = publicAccessKeyID
        self.publicAccessKey = publicAccessKey
    }

    /// The text `checkup provision` prints, as the original's `ProvisionInfo.String()`.
    public var description: String {
        """
        Provision successful

                     User ID: \(userID)
                    Username: \(username)
        Public Access Key ID: \(publicAccessKeyID)
           Public Access Key: \(publicAccessKey)

        IMPORTANT: Copy the Public Access Key ID and Public Access
        Key into the config.js file for your status page. You will
        not be shown these credentials again.

        """
    }
}

/// A storage that can set itself up (create a bucket, users and policies).
public protocol Provisioner: Sendable {
    /// Creates what the storage needs and returns the public credentials for the status page.
    func provision() async throws -> ProvisionInfo
    /// `provision()`, telling `progress` before each step (its number of all, and its name).
    func provision(progress: ProgressSink) async throws -> ProvisionInfo
}

extension Provisioner {
    /// Provisions without reporting steps, for provisioners that have none to tell.
    public func provision(progress: ProgressSink) async throws -> ProvisionInfo { try await provision() }
}
