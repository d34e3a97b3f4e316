import Foundation

/// A storage that keeps small objects for checkers beside the check files: the heartbeats of
/// `checkup push` (`heartbeats/<name>.json`) and cached RDAP answers (`rdap/<domain>.json`).
/// Heartbeat and domain checkers read and write through it; fs and S3 storage keep them.
public protocol CheckerStore: Sendable {
    /// Reads the object `key` (a `CheckerObjectKey`); nil when it does not exist.
    func readCheckerObject(_ key: String) async throws -> Data?
    /// Writes the object `key`, replacing what was there.
    func writeCheckerObject(_ key: String, _ data: Data) async throws
}

/// The keys a `CheckerStore` accepts: `heartbeats/<name>.json` or `rdap/<name>.json`, the name of
/// letters, digits, `.`, `_` and `-` (not starting with a dot), so that no key can point anywhere
/// else. A checker's name with other characters is kept readable and told apart by a digest.
public enum CheckerObjectKey {
    /// The folder of the heartbeats: an S3 key for pushing may be limited to it.
    public static let heartbeatFolder = "heartbeats"
    /// The folder of the cached RDAP answers.
    public static let rdapFolder = "rdap"
    /// Objects larger than this are refused when read (they are a few hundred bytes).
    public static let maximumSize = 64 * 1024

    /// The key of the heartbeat of the checker called `name`.
    public static func heartbeat(_ name: String) -> String { "\(heartbeatFolder)/\(fileName(name)).json" }

    /// The key of the cached RDAP answer for `domain`.
    static func rdap(_ domain: String) -> String { "\(rdapFolder)/\(fileName(domain.lowercased())).json" }

    /// `name` itself when it is a safe file name of at most 100 characters; otherwise its safe
    /// characters (others as `_`, at most 60) and the first 16 hex digits of its SHA-256.
    static func fileName(_ name: String) -> String {
        func isSafe(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || "._-".contains(c)) }
        if !name.isEmpty, name.count <= 100, !name.hasPrefix("."), name.allSatisfy(isSafe) { return name }
        let cleaned = String(name.prefix(60).map { isSafe($0) ? $0 : "_" }).drop { $0 == "." }
        return cleaned + "-" + Digest.sha256Hex(Array(name.utf8)).prefix(16)
    }

    /// Throws unless `key` is one of these keys.
    static func check(_ key: String) throws(CheckupError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, [heartbeatFolder, rdapFolder].contains(String(parts[0])), parts[1].hasSuffix(".json"),
              parts[1].count > 5, !parts[1].hasPrefix("."),
              parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw CheckupError(.storage, "\(JSONValue.string(key).shortText) is not a checker object key")
        }
    }
}

/// One push of a job that cannot be probed (`checkup push NAME`): when it came, whether the job
/// said it failed, its message, and the node that pushed it.
public struct Heartbeat: Sendable, Equatable {
    /// The heartbeat checker's name.
    public var name: String
    /// When it was pushed, in UTC Unix nanoseconds.
    public var timestamp: Int64
    /// The job reported a failure (`--fail`).
    public var failed: Bool
    /// The job's own words (`--message`), at most `maximumMessageLength` characters.
    public var message: String
    /// The node that pushed it.
    public var origin: String

    /// The longest message a heartbeat carries.
    public static let maximumMessageLength = 1000

    /// Creates a heartbeat.
    public init(name: String, timestamp: Int64, failed: Bool = false, message: String = "", origin: String = "") {
        self.name = name
        self.timestamp = timestamp
        self.failed = failed
        self.message = message
        self.origin = origin
    }

    /// The stored JSON: `{"name":…,"timestamp":…,"failed":…,"message":…,"origin":…}`.
    public var data: Data {
        var o = JSONObject()
        o.append("name", .string(name))
        o.append("timestamp", .int(timestamp))
        o.append("failed", .bool(failed))
        o.append("message", message.isEmpty ? nil : .string(message))
        o.append("origin", origin.isEmpty ? nil : .string(origin))
        var data = JSONValue.object(o).encoded()
        data.append(0x0A)
        return data
    }

    /// Reads a stored heartbeat.
    /// - Throws: `CheckupError` (`.format`) when `data` is too large or not a heartbeat's JSON.
    public init(data: Data, key: String) throws(CheckupError) {
        guard data.count <= CheckerObjectKey.maximumSize else {
            throw CheckupError(.format, "\(key): is \(data.count) bytes, more than a heartbeat can be (\(CheckerObjectKey.maximumSize))")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch {
            throw CheckupError(.format, "\(key): \((error as? JSONValue.ParseError)?.message ?? "invalid JSON")")
        }
        guard let o = value.objectValue, let name = o["name"]?.stringValue, case .int(let timestamp)? = o["timestamp"] else {
            throw CheckupError(.format, "\(key): is not a heartbeat (it needs a name and an integer timestamp)")
        }
        var failed = false
        if case .bool(let b)? = o["failed"] { failed = b }
        self.init(name: name, timestamp: timestamp, failed: failed,
                  message: String((o["message"]?.stringValue ?? "").prefix(Self.maximumMessageLength)),
                  origin: o["origin"]?.stringValue ?? "")
    }
}
