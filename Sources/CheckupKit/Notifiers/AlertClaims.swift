import Foundation

/// Create-only claims that settle which node sends an alert: the first node to claim a key
/// sends, every other finds it taken and stays quiet. Lock-free: a claim is one create-only write.
public protocol AlertClaims: Sendable {
    /// Creates `key` holding `origin` unless it exists; returns nil when this call created it,
    /// else the origin that holds it. A store that cannot create only-if-absent settles it by
    /// `fallback` instead: the alphabetically first fresh origin sends (nil when that is `origin`).
    func claim(_ key: String, by origin: String, fallback: String) async throws -> String?
    /// The origin holding `key`; nil when nobody claimed it.
    func holder(_ key: String) async throws -> String?
    /// Removes a claim (its alert could not be sent), so that a later round tries again.
    func release(_ key: String) async throws
    /// Removes the claims made more than `age` before `now` (Unix nanoseconds): every claim
    /// settles one window, so old ones only take space.
    func expire(olderThan age: Duration, now: Int64) async throws
}

/// Claims as files in a folder, created with `link`, which fails when the name exists.
public struct FileClaims: AlertClaims {
    /// The folder.
    public var directory: String

    /// Creates claims in `directory`.
    public init(directory: String) { self.directory = directory }

    public func claim(_ key: String, by origin: String, fallback: String) async throws -> String? {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + key
        // Written whole to a temporary file, then linked: link fails with EEXIST when the key is
        // taken, and a reader never sees a claim without its origin.
        let temp = try AtomicFile.writeTemporary(Data(origin.utf8), in: directory)
        defer { unlink(temp) }
        if link(temp, path) != 0 {
            guard errno == EEXIST else { throw AtomicFile.failure("claiming \(path)", errno) }
            return String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        AtomicFile.syncFolder(directory)
        return nil
    }

    public func holder(_ key: String) async throws -> String? {
        FileManager.default.contents(atPath: directory + "/" + key).map { String(decoding: $0, as: UTF8.self) }
    }

    public func release(_ key: String) async throws {
        unlink(directory + "/" + key)
    }

    public func expire(olderThan age: Duration, now: Int64) async throws {
        let cutoff = (now - age.nanoseconds) / 1_000_000_000
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".claim") {
            var st = stat()
            if stat(directory + "/" + name, &st) == 0, Int64(st.st_mtim.tv_sec) < cutoff { unlink(directory + "/" + name) }
        }
    }
}

/// Claims as objects in a bucket, created with `If-None-Match: *`; on a store without
/// conditional writes the alphabetically first fresh origin sends.
struct S3Claims: AlertClaims {
    var client: @Sendable () throws -> S3Client
    var prefix: String

    func claim(_ key: String, by origin: String, fallback: String) async throws -> String? {
        let s3 = try client()
        switch try await s3.createObject(prefix + key, body: Array(origin.utf8)) {
        case true?: return nil
        case false?: return String(decoding: (try? await s3.getObject(prefix + key)) ?? [], as: UTF8.self)
        case nil: return fallback.isEmpty || fallback == origin ? nil : fallback
        }
    }

    func holder(_ key: String) async throws -> String? {
        guard try await client().headObjectETag(prefix + key) != nil else { return nil }
        return String(decoding: (try? await client().getObject(prefix + key)) ?? [], as: UTF8.self)
    }

    func release(_ key: String) async throws {
        try await client().deleteObjects([prefix + key])
    }

    func expire(olderThan age: Duration, now: Int64) async throws {
        let s3 = try client()
        // Listed without the prefix's slash: moto signs a `/` in a query value differently from AWS.
        let listing = try await s3.listObjects(prefix: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
        let old = listing.filter { $0.key.hasPrefix(prefix) && $0.key.hasSuffix(".claim") && $0.lastModified < now - age.nanoseconds }
        try await s3.deleteObjects(old.map(\.key))
    }
}

extension Alert {
    /// A short stable name of the alert's endpoint (16 hex digits of the SHA-256 of its title and
    /// address): the webhook's `id` and the claims' keys.
    var endpointID: String {
        String(Digest.hex(Digest.sha256(Array((result.title + "\u{1F}" + result.endpoint).utf8))).prefix(16))
    }

    /// The claim key of this alert: its endpoint, kind and state, and the window of `window` it
    /// falls in, so nodes that see the same change within one window claim the same key.
    func claimKey(window: Duration, at now: Int64) -> String {
        let endpoint = endpointID
        let span = max(1, window.nanoseconds)
        return "\(endpoint)-\(kind.rawValue)-\(result.status)-\(now / span).claim"
    }
}
