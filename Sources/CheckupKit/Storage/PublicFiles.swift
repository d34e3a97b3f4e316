import Foundation

/// A storage that keeps files derived for the public (feeds, calendars, the Statuspage API) beside its check files,
/// each replaced whole when it changes. They can always be written again from the status
/// objects, so a plain replace is enough.
public protocol PublicFileStorage: Sendable {
    /// Replaces the file `key` (one of `PublicFileKey.all`) with `data`.
    func writePublicFile(_ key: String, _ data: Data) async throws
    /// The file `key`'s bytes, or nil when it does not exist.
    func readPublicFile(_ key: String) async throws -> Data?
}

/// The public files there are, and their content types.
public enum PublicFileKey {
    /// Every public file's key and content type.
    public static let all: [String: String] = [
        "feeds/incidents.atom": "application/atom+xml; charset=utf-8",
        "feeds/incidents.rss": "application/rss+xml; charset=utf-8",
        "feeds/incidents.json": "application/feed+json",
        "feeds/maintenance.ics": "text/calendar; charset=utf-8",
        "api/v2/summary.json": "application/json",
        "api/v2/status.json": "application/json",
        "api/v2/components.json": "application/json",
        "api/v2/incidents.json": "application/json",
        "api/v2/incidents/unresolved.json": "application/json",
        "api/v2/scheduled-maintenances.json": "application/json",
    ]

    /// The content type of the public file `key`: one of `all`, or a badge
    /// (`badges/<stem>.svg`, `badges/<stem>.json`, a stem of 1 to 80 lowercase ASCII letters,
    /// digits and `-`) or the badges' index (`badges/index.json`); nil for any other key.
    public static func contentType(_ key: String) -> String? {
        if let type = all[key] { return type }
        guard key.hasPrefix("badges/") else { return nil }
        let name = key.dropFirst("badges/".count)
        let (stem, type): (Substring, String)
        if name.hasSuffix(".svg") { (stem, type) = (name.dropLast(4), "image/svg+xml") } else if name.hasSuffix(".json") {
            (stem, type) = (name.dropLast(5), "application/json")
        } else {
            return nil
        }
        let fine = !stem.isEmpty && stem.count <= 80 && stem.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        return fine ? type : nil
    }

    static func check(_ key: String) throws(CheckupError) {
        guard contentType(key) != nil else { throw CheckupError(.storage, "\(JSONValue.string(key).shortText) is not a public file") }
    }
}

extension FileSystemStorage: PublicFileStorage {
    public func writePublicFile(_ key: String, _ data: Data) async throws {
        try PublicFileKey.check(key)
        try replaceFile(key, with: data, durable: false)  // derived again by every round
    }

    public func readPublicFile(_ key: String) async throws -> Data? {
        try PublicFileKey.check(key)
        return FileManager.default.contents(atPath: path(key))
    }
}

extension S3Storage: PublicFileStorage {
    public func writePublicFile(_ key: String, _ data: Data) async throws {
        try PublicFileKey.check(key)
        try await client().putObject(key, body: [UInt8](data), contentType: PublicFileKey.contentType(key) ?? "application/octet-stream")
    }

    public func readPublicFile(_ key: String) async throws -> Data? {
        try PublicFileKey.check(key)
        return try await client().getObjectTagged(key).map { Data($0.body) }
    }
}
