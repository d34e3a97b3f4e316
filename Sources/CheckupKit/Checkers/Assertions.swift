import Foundation

/// How bad a failed assertion is (`"severity"`): `degraded` keeps the endpoint up but flagged,
/// `down` counts it as not working.
public enum Severity: String, Sendable, Equatable, CaseIterable {
    case degraded, down
}

/// Per-phase limits and the severity of each failed assertion (checkup's `max_lookup`,
/// `max_connect`, `max_tls`, `max_first_byte` and `severity` keys on http, tcp and tls).
///
/// `severity` maps an assertion's key to its level, e.g. `{"status": "degraded", "threshold_rtt":
/// "down"}`. Defaults are as the original: `status`, `must_contain`, `must_not_contain` and
/// `body_regex` make an attempt fail (down); `threshold_rtt`, the phase limits and `cert_expiry`
/// degrade. Each JSON assertion carries its own `severity`.
public struct CheckLimits: Sendable, Equatable {
    /// Above this median name-lookup time the assertion `max_lookup` fails; zero for none.
    public var maxLookup: Duration
    /// Above this median connect time `max_connect` fails.
    public var maxConnect: Duration
    /// Above this median TLS-handshake time `max_tls` fails.
    public var maxTLS: Duration
    /// Above this median time to first byte `max_first_byte` fails (http only).
    public var maxFirstByte: Duration
    /// Assertion key → severity, for the keys that differ from their default.
    public var severity: [String: Severity]

    /// Creates limits; the defaults check nothing more than the original.
    public init(maxLookup: Duration = .zero, maxConnect: Duration = .zero, maxTLS: Duration = .zero,
                maxFirstByte: Duration = .zero, severity: [String: Severity] = [:]) {
        self.maxLookup = maxLookup
        self.maxConnect = maxConnect
        self.maxTLS = maxTLS
        self.maxFirstByte = maxFirstByte
        self.severity = severity
    }

    /// Assertions whose failure makes an attempt fail unless `severity` says `degraded`.
    static let downByDefault: Set<String> = ["status", "must_contain", "must_not_contain", "body_regex"]

    /// The severity of the assertion `key`.
    func severity(of key: String) -> Severity {
        severity[key] ?? (Self.downByDefault.contains(key) ? .down : .degraded)
    }

    /// Records a failed attempt-level assertion: an error when it is of severity down, else a warning.
    func fail(_ key: String, _ text: String, in attempt: inout Attempt) {
        if severity(of: key) == .down {
            attempt.error = attempt.passed ? text : "\(attempt.error ?? ""); \(text)"
        } else {
            attempt.warnings.append(text)
        }
    }

    /// Applies the result-level assertions (the RTT threshold, the phase limits) and the attempts'
    /// warnings to a concluded result: the worst severity wins, and the notice names every
    /// assertion that failed.
    func judge(_ result: inout CheckResult) {
        guard !result.times.isEmpty else { return }
        var failed: [(text: String, severity: Severity)] = []
        // conclude() judged threshold_rtt (its notice says so); its level comes from here.
        let slow = result.degraded && result.notice.contains("exceeded threshold (")
        let passed = result.times.filter(\.passed)
        let phases: [(key: String, limit: Duration, name: String, value: (Attempt) -> Duration?)] = [
            ("max_lookup", maxLookup, "name lookup", \.nameLookup), ("max_connect", maxConnect, "connect", \.connect),
            ("max_tls", maxTLS, "TLS handshake", \.tlsHandshake), ("max_first_byte", maxFirstByte, "first byte", \.firstByte),
        ]
        for phase in phases where phase.limit > .zero {
            let values = passed.compactMap { phase.value($0)?.nanoseconds }
            if let median = Quantile.median(values), median > phase.limit.nanoseconds {
                failed.append(("median \(phase.name) time \(Duration.nanoseconds(median).goDescription) exceeded \(phase.key) (\(phase.limit.goDescription))",
                               severity(of: phase.key)))
            }
        }
        var warnings: [String] = []
        for attempt in result.times { for w in attempt.warnings where !warnings.contains(w) { warnings.append(w) } }
        failed += warnings.map { ($0, .degraded) }
        let down = failed.contains { $0.severity == .down } || (slow && severity(of: "threshold_rtt") == .down)
        guard !failed.isEmpty || down else { return }
        if !result.down {
            result.healthy = false
            result.degraded = !down
            result.down = down
        }
        var errors: [String] = []
        for attempt in result.times { if let e = attempt.error, !e.isEmpty, !errors.contains(e) { errors.append(e) } }
        result.notice = (errors + failed.map(\.text) + (result.notice.isEmpty ? [] : [result.notice])).joined(separator: "; ")
    }

    func write(into w: inout ConfigWriter) {
        w.duration("max_lookup", maxLookup)
        w.duration("max_connect", maxConnect)
        w.duration("max_tls", maxTLS)
        w.duration("max_first_byte", maxFirstByte)
        if !severity.isEmpty {
            w.object.append("severity", .object(JSONObject(severity.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.rawValue)) })))
        }
    }

    /// Reads the limits; `assertions` are the keys `severity` may name for this checker.
    init(config c: ConfigReader, assertions: [String]) throws(CheckupError) {
        var levels: [String: Severity] = [:]
        if let v = c.object["severity"], v != .null {
            guard case .object(let o) = v else { throw c.error("severity", "\(v.asFound), expected an object") }
            for (key, level) in o.pairs {
                guard assertions.contains(key) else {
                    throw c.error("severity.\(key)", "is not an assertion of this checker (one of: \(assertions.joined(separator: ", ")))")
                }
                levels[key] = try Self.severity(level, c, "severity.\(key)")
            }
        }
        self.init(maxLookup: try c.duration("max_lookup"), maxConnect: try c.duration("max_connect"),
                  maxTLS: try c.duration("max_tls"), maxFirstByte: try c.duration("max_first_byte"), severity: levels)
    }

    static func severity(_ v: JSONValue, _ c: ConfigReader, _ key: String) throws(CheckupError) -> Severity {
        guard case .string(let s) = v, let level = Severity(rawValue: s) else {
            throw c.error(key, "\(v.shortText) is not a severity (degraded or down)")
        }
        return level
    }
}
