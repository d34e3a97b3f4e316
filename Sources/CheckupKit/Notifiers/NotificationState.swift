import Foundation

/// Where a notifier keeps what it has already said, so that a run from cron behaves like `every`.
public protocol NotificationStateStore: Sendable {
    /// The saved state, or nil when there is none yet.
    func load() async throws -> Data?
    /// Replaces the saved state.
    func save(_ data: Data) async throws
}

/// State in a local file, replaced atomically (`AtomicFile`). A file that is there but is not
/// notifier state (a `state_file` that names the config, say) is never read as empty state and
/// never replaced: loading it fails, and with it the round's notifications.
public struct FileStateStore: NotificationStateStore {
    /// The file.
    public var path: String

    /// Creates a file state store.
    public init(path: String) { self.path = path }

    /// The saved state, or nil when the file does not exist.
    /// - Throws: `CheckupError` (`.storage`) when the file is not notifier state.
    public func load() async throws -> Data? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        if let problem = Self.problem(path: path, data: data) { throw CheckupError(.storage, "\(path): \(problem)") }
        return data
    }

    /// Why the file at `path` must not be used as notifier state, or nil when it is state, empty
    /// or not there (`data`: its content, when already read).
    static func problem(path: String, data: Data? = nil) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return "is a directory, not a notifier state file" }
        guard let data = data ?? FileManager.default.contents(atPath: path) else { return "cannot be read" }
        return isNotifierState(data) ? nil : "is not checkup's notifier state; not replacing it (name a new file)"
    }

    /// Whether `data` is empty or notifier state as `AlertingNotifier` writes it:
    /// `{"<notifier>": {"<endpoint>": {"bad", "good", "since", "last_sent", "alerted"}}}`.
    static func isNotifierState(_ data: Data) -> Bool {
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return true }
        guard let top = (try? JSONValue.parse(data))?.objectValue else { return false }
        let keys: Set = ["bad", "good", "since", "last_sent", "alerted"]
        return top.pairs.allSatisfy { _, endpoints in
            guard let endpoints = endpoints.objectValue else { return false }
            return endpoints.pairs.allSatisfy { _, state in
                state.objectValue.map { $0.pairs.allSatisfy { keys.contains($0.0) } } ?? false
            }
        }
    }

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
