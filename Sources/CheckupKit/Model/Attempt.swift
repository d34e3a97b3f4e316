/// One try at an endpoint: how long it took and, if it failed, why.
///
/// The per-phase times are checkup's extension to the original format: each is the time spent in
/// that phase alone (not cumulative), and each is left out of the JSON when not measured, so the
/// original's readers see the same `{"rtt":…,"error":…}` objects as before.
public struct Attempt: Sendable, Equatable {
    /// The error of an attempt whose check was cancelled (the task ended before it finished).
    static let cancelledError = "check cancelled"
    /// The most attempts one result takes (`attempts` above it is a config error; a checker made
    /// in code runs at most this many). A hundred tries already make a round of minutes and a
    /// check file of kilobytes per endpoint.
    public static let maximumPerResult = 100

    /// Round-trip time: for HTTP, from the start of the request until the response headers arrived.
    public var rtt: Duration
    /// Why the attempt failed; nil when it succeeded.
    public var error: String?
    /// Time to resolve the host name (libcurl's `CURLINFO_NAMELOOKUP_TIME_T`).
    public var nameLookup: Duration?
    /// Time from resolved to connected (`CURLINFO_CONNECT_TIME_T` less the lookup).
    public var connect: Duration?
    /// Time of the TLS handshake (`CURLINFO_APPCONNECT_TIME_T` less the connect).
    public var tlsHandshake: Duration?
    /// Time from the request being sent until its first response byte (`CURLINFO_STARTTRANSFER_TIME_T`
    /// less the time connected).
    public var firstByte: Duration?
    /// The address this attempt connected to, for a checker with `all_addresses` (checkup's
    /// extension; `address` in JSON, after the phase times); nil when the name was resolved as usual.
    public var address: String?
    /// Assertions of severity `degraded` that this attempt failed (checkup's extension; `warnings`
    /// in JSON, last, left out when empty): they make the result degraded, not down.
    public var warnings: [String] = []

    /// Whether the attempt passed (it has no error).
    public var passed: Bool { (error ?? "").isEmpty }

    /// Creates an attempt.
    public init(rtt: Duration, error: String? = nil, nameLookup: Duration? = nil, connect: Duration? = nil,
                tlsHandshake: Duration? = nil, firstByte: Duration? = nil) {
        self.rtt = rtt
        self.error = error
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
    }

    var json: JSONValue {
        var o = JSONObject()
        o.append("rtt", .int(rtt.nanoseconds))
        o.append("error", error.flatMap { $0.isEmpty ? nil : .string($0) })
        for (key, value) in [("lookup", nameLookup), ("connect", connect), ("tls", tlsHandshake), ("first_byte", firstByte)] {
            if let value, value > .zero { o.append(key, .int(value.nanoseconds)) }
        }
        o.append("address", address.flatMap { $0.isEmpty ? nil : .string($0) })
        o.append("warnings", warnings.isEmpty ? nil : .array(warnings.map { .string($0) }))
        return .object(o)
    }

    init(json: JSONValue) throws(JSONShapeError) {
        guard let o = json.objectValue else { throw JSONShapeError("an attempt is \(json.kindName), not an object") }
        func duration(_ key: String) throws(JSONShapeError) -> Duration? {
            switch o[key] {
            case nil, .null?: return nil
            case .int(let ns)?: return .nanoseconds(ns)
            case .double(let d)?: return .nanoseconds(Int64(d))
            case let other?: throw JSONShapeError("\(key) is \(other.kindName), not a number")
            }
        }
        rtt = try duration("rtt") ?? .zero
        error = o["error"]?.stringValue
        nameLookup = try duration("lookup")
        connect = try duration("connect")
        tlsHandshake = try duration("tls")
        firstByte = try duration("first_byte")
        address = o["address"]?.stringValue
        warnings = o["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

/// A stored file's JSON does not have the shape of check results.
struct JSONShapeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
