import Foundation

/// A storage that keeps the status page's immutable objects (incidents' events under
/// `incidents/`, maintenance windows under `maintenance/`): each is created once under a unique name and never changed, so that any
/// number of writers add to it without a lock.
public protocol StatusObjectStorage: Sendable {
    /// Creates the object `key` holding `data`, only if no object has that name. Returns false,
    /// writing nothing, when it exists.
    func createStatusObject(_ key: String, _ data: Data) async throws -> Bool
    /// The names of the objects under `folder` (such as `incidents`), as full keys.
    func listStatusObjects(_ folder: String) async throws -> [String]
    /// The object `key`'s bytes, or nil when it does not exist.
    func readStatusObject(_ key: String) async throws -> Data?
}

extension StatusObjectStorage {
    /// `createStatusObject`, then the object read back: true only when it holds `data`. A store
    /// whose create-only writes race (two writers both told they created the name, as moto and
    /// some S3-compatible stores do) would otherwise lose one writer's object without a word;
    /// this way the one whose bytes are not there takes another name.
    func createOwnStatusObject(_ key: String, _ data: Data) async throws -> Bool {
        guard try await createStatusObject(key, data) else { return false }
        return try await readStatusObject(key) == data
    }
}

/// The keys a `StatusObjectStorage` accepts: `<folder>/<name>.json`, the folder one of
/// `folders`, the name of lowercase letters, digits, `.` and `-` not starting with a dot, so that
/// no key can point anywhere else.
enum StatusObjectKey {
    static let folders: Set<String> = ["incidents", "maintenance"]

    static func check(_ key: String) throws(CheckupError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, folders.contains(String(parts[0])), isName(parts[1]) else {
            throw CheckupError(.storage, "\(JSONValue.string(key).shortText) is not a status object key")
        }
    }

    static func isName(_ name: Substring) -> Bool {
        name.hasSuffix(".json") && name.count > 5 && name.count <= 100 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || ".-".contains($0)) }
    }

    static func folder(_ folder: String) throws(CheckupError) {
        guard folders.contains(folder) else { throw CheckupError(.storage, "\(folder) is not a status object folder") }
    }
}

// In an fs store, `incidents/` beside the check files; an object is made by linking a synced
// temporary file into place, and link() never replaces a file.
extension FileSystemStorage: StatusObjectStorage {
    public func createStatusObject(_ key: String, _ data: Data) async throws -> Bool {
        try StatusObjectKey.check(key)
        let folder = path(String(key.prefix { $0 != "/" }))
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CheckupError(.storage, "creating directory \(folder): \((error as NSError).localizedDescription)")
        }
        let temp: String
        do {
            temp = try AtomicFile.writeTemporary(data, in: folder)
        } catch {
            throw CheckupError(.storage, "writing \(path(key)): \(error.message.split(separator: ": ").last ?? "")")
        }
        defer { unlink(temp) }
        if link(temp, path(key)) != 0 {
            if errno == EEXIST { return false }
            throw AtomicFile.failure("writing \(path(key))", errno)
        }
        AtomicFile.syncFolder(folder)
        return true
    }

    public func listStatusObjects(_ folder: String) async throws -> [String] {
        try StatusObjectKey.folder(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path(folder)) else { return [] }
        return names.filter { StatusObjectKey.isName($0[...]) }.map { folder + "/" + $0 }.sorted()
    }

    public func readStatusObject(_ key: String) async throws -> Data? {
        try StatusObjectKey.check(key)
        return FileManager.default.contents(atPath: path(key))
    }
}

// In S3, objects under `incidents/`, created with `If-None-Match: *`.
extension S3Storage: StatusObjectStorage {
    public func createStatusObject(_ key: String, _ data: Data) async throws -> Bool {
        try StatusObjectKey.check(key)
        let client = try client()
        if let created = try await client.createObject(key, body: [UInt8](data)) { return created }
        // A store without conditional writes: look first (a race there is the store's limit).
        if try await client.getObjectTagged(key) != nil { return false }
        _ = try await client.putObjectIf(key, body: [UInt8](data), etag: nil)
        return true
    }

    public func listStatusObjects(_ folder: String) async throws -> [String] {
        try StatusObjectKey.folder(folder)
        // The prefix without its slash: moto answers a prefix with an encoded slash with 403
        // SignatureDoesNotMatch (seen in IncidentTests); the keys are filtered below anyway.
        return try await client().listObjects(prefix: folder).map(\.key)
            .filter { (try? StatusObjectKey.check($0)) != nil }.sorted()
    }

    public func readStatusObject(_ key: String) async throws -> Data? {
        try StatusObjectKey.check(key)
        return try await client().getObjectTagged(key).map { Data($0.body) }
    }
}
