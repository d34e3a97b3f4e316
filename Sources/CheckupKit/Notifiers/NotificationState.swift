import Foundation

/// Where a notifier keeps what it has already said, so that a run from cron behaves like `every`.
public protocol NotificationStateStore: Sendable {
    /// The saved state, or nil when there is none yet.
    func load() async throws -> Data?
    /// Replaces the saved state.
    func save(_ data: Data) async throws
}

/// State in a local file, replaced atomically (`AtomicFile`).
public struct FileStateStore: NotificationStateStore {
    /// The file.
    public var path: String

    /// Creates a file state store.
    public init(path: String) { self.path = path }

    public func load() async throws -> Data? { FileManager.default.contents(atPath: path) }

    public func save(_ data: Data) async throws {
        let directory = AtomicFile.folder(of: path)
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        do {
            try AtomicFile.replace(path, with: data)
        } catch {
            throw CheckupError(.storage, "notifier state: \(error.message)")
        }
    }
}

/// State as one object in an S3 bucket (one per node, so nodes never write the same object).
struct S3StateStore: NotificationStateStore {
    /// The bucket's client, made when first needed: missing credentials are a failed save, not a
    /// config error.
    var client: @Sendable () throws -> S3Client
    var key: String

    func load() async throws -> Data? {
        do { return Data(try await client().getObject(key)) } catch let error as CheckupError where error.message.hasSuffix("NoSuchKey") {
            return nil
        }
    }

    func save(_ data: Data) async throws {
        try await client().putObject(key, body: [UInt8](data))
    }
}
