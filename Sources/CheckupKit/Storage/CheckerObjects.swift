import Foundation

// The checkers' own objects (heartbeats, cached RDAP answers) live beside the check files:
// `heartbeats/` and `rdap/` in the fs directory or the bucket. Each is replaced whole; the last
// writer wins, which is what a heartbeat wants (the latest push) and a cache does not mind.

extension FileSystemStorage: CheckerStore {
    public func readCheckerObject(_ key: String) async throws -> Data? {
        try CheckerObjectKey.check(key)
        let file = path(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else { return nil }
        if let size = attributes[.size] as? Int, size > CheckerObjectKey.maximumSize {
            throw CheckupError(.storage, "\(file): is \(size) bytes, more than \(CheckerObjectKey.maximumSize)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CheckupError(.storage, "\(file): cannot be read")
        }
        return data
    }

    public func writeCheckerObject(_ key: String, _ data: Data) async throws {
        try CheckerObjectKey.check(key)
        try replaceFile(key, with: data)
    }
}

extension S3Storage: CheckerStore {
    public func readCheckerObject(_ key: String) async throws -> Data? {
        try CheckerObjectKey.check(key)
        guard let (body, _) = try await client().getObjectTagged(key) else { return nil }
        guard body.count <= CheckerObjectKey.maximumSize else {
            throw CheckupError(.storage, "\(bucket)/\(key): is \(body.count) bytes, more than \(CheckerObjectKey.maximumSize)")
        }
        return Data(body)
    }

    public func writeCheckerObject(_ key: String, _ data: Data) async throws {
        try CheckerObjectKey.check(key)
        try await client().putObject(key, body: [UInt8](data))
    }
}

extension FileSystemStorage {
    /// Replaces the file at `key` (relative to the directory) whole, making its folders first.
    func replaceFile(_ key: String, with data: Data, durable: Bool = true) throws(CheckupError) {
        let folder = AtomicFile.folder(of: path(key))
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CheckupError(.storage, "creating directory \(folder): \((error as NSError).localizedDescription)")
        }
        try AtomicFile.replace(path(key), with: data, durable: durable)
    }
}
