import Foundation

/// One endpoint's newest result as metrics: what `checkup --format prometheus` and `serve`'s
/// `/metrics` expose, under blackbox_exporter's names where one fits.
///
/// Every series carries the labels `name` (the checker's name), `type` (`http`, `tcp`, `tls`,
/// `dns`, `exec`; left out when unknown) and `endpoint` (the public form, without user-info,
/// query string or fragment), and `origin` when the sample says which node made it. No error
/// text ever goes into a label: a reason changes from round to round, and would make a new series
/// each time.
public struct CheckMetrics: Sendable, Equatable {
    /// The checker's name.
    public var name: String
    /// The checker type; empty when not known (latest rounds do not record it).
    public var type: String
    /// The endpoint as results show it.
    public var endpoint: String
    /// The node that made the result; empty to leave the label out.
    public var origin: String
    /// The state.
    public var status: Status
    /// The median round-trip time.
    public var rtt: Duration
    /// Median time of each measured phase, by blackbox_exporter's phase name (see `phases(of:)`).
    public var phases: [(phase: String, time: Duration)]
    /// How many attempts made the result; nil when not known.
    public var attempts: Int?
    /// The leaf certificate's end of validity, Unix seconds, for TLS checks.
    public var certificateExpiry: Int64?
    /// When the result was made, Unix nanoseconds.
    public var time: Int64

    /// Creates the metrics of one endpoint.
    public init(name: String, type: String, endpoint: String, origin: String = "", status: Status, rtt: Duration,
                phases: [(phase: String, time: Duration)] = [], attempts: Int? = nil, certificateExpiry: Int64? = nil,
                time: Int64) {
        self.name = name
        self.type = type
        self.endpoint = endpoint
        self.origin = origin
        self.status = status
        self.rtt = rtt
        self.phases = phases
        self.attempts = attempts
        self.certificateExpiry = certificateExpiry
        self.time = time
    }

    /// The metrics of a result made by a checker of `type`; `origin` empty leaves the label out.
    public init(_ result: CheckResult, type: String, origin: String = "") {
        self.init(name: result.title, type: type, endpoint: result.endpoint, origin: origin, status: result.status,
                  rtt: result.stats.median, phases: Self.phases(of: result.times), attempts: result.times.count,
                  certificateExpiry: result.certificate?.notAfter, time: result.timestamp)
    }

    /// Whether two endpoints' metrics are the same, field by field (phases in order).
    public static func == (a: CheckMetrics, b: CheckMetrics) -> Bool {
        a.name == b.name && a.type == b.type && a.endpoint == b.endpoint && a.origin == b.origin && a.status == b.status
            && a.rtt == b.rtt && a.phases.map(\.phase) == b.phases.map(\.phase) && a.phases.map(\.time) == b.phases.map(\.time)
            && a.attempts == b.attempts && a.certificateExpiry == b.certificateExpiry && a.time == b.time
    }

    /// The median of each phase over the attempts that measured it, under blackbox_exporter's
    /// `probe_http_duration_seconds` phase names: `lookup` ← `nameLookup`, `connect` ← `connect`,
    /// `tls` ← `tlsHandshake`, `processing` ← `firstByte` (request sent until the first response
    /// byte). `transfer` (reading the body) is not measured: a round trip ends when the response
    /// headers are in, so it is never written.
    public static func phases(of attempts: [Attempt]) -> [(phase: String, time: Duration)] {
        let named: [(String, KeyPath<Attempt, Duration?>)] = [
            ("lookup", \.nameLookup), ("connect", \.connect), ("tls", \.tlsHandshake), ("processing", \.firstByte),
        ]
        return named.compactMap { phase, path in
            let values = attempts.compactMap { $0[keyPath: path]?.nanoseconds }.filter { $0 > 0 }
            return Quantile.median(values).map { (phase, .nanoseconds($0)) }
        }
    }

    /// The endpoint as a label: user-info, query string and fragment removed (`https://u:p@h/x?k=v`
    /// → `https://h/x`), so that no parameter and no credential becomes part of a series.
    public static func endpointLabel(_ endpoint: String) -> String {
        var text = Substring(endpoint)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        guard let scheme = text.range(of: "://") else { return String(text) }
        let authorityStart = scheme.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
            return String(text[..<authorityStart] + text[text.index(after: at)...])
        }
        return String(text)
    }

    /// The labels every series of this endpoint carries.
    var labels: [(String, String)] {
        var labels = [("name", name)]
        if !type.isEmpty { labels.append(("type", type)) }
        labels.append(("endpoint", Self.endpointLabel(endpoint)))
        if !origin.isEmpty { labels.append(("origin", origin)) }
        return labels
    }

    /// The exposition text of `endpoints`, one family after another (HELP and TYPE once each), in
    /// base units (seconds, Unix seconds).
    public static func exposition(_ endpoints: [CheckMetrics]) -> String {
        var out = PrometheusText()
        write(endpoints, to: &out)
        return out.text
    }

    /// Adds the families of `endpoints` to `out`.
    public static func write(_ endpoints: [CheckMetrics], to out: inout PrometheusText) {
        func seconds(_ d: Duration) -> Double { Double(d.nanoseconds) / 1e9 }
        out.family("checkup_up", type: "gauge", help: "Whether the endpoint answered: 1 when healthy or degraded, 0 when down or unknown.",
                   endpoints.map { ($0.labels, $0.status == .healthy || $0.status == .degraded ? 1 : 0) })
        out.family("checkup_status", type: "gauge", help: "The endpoint's state: 1 for the state it is in, 0 for the others.",
                   endpoints.flatMap { e in Status.allCases.map { (e.labels + [("state", $0.rawValue)], e.status == $0 ? 1 : 0) } })
        out.family("checkup_rtt_seconds", type: "gauge", help: "Median round-trip time of the attempts, in seconds.",
                   endpoints.filter { $0.attempts != 0 }.map { ($0.labels, seconds($0.rtt)) })
        out.family("checkup_phase_seconds", type: "gauge",
                   help: "Median time of each phase (lookup, connect, tls, processing) over the attempts that measured it, in seconds.",
                   endpoints.flatMap { e in e.phases.map { (e.labels + [("phase", $0.phase)], seconds($0.time)) } })
        out.family("checkup_attempts", type: "gauge", help: "How many attempts made the result.",
                   endpoints.compactMap { e in e.attempts.map { (e.labels, Double($0)) } })
        out.family("checkup_certificate_expiry_timestamp_seconds", type: "gauge",
                   help: "When the leaf certificate expires, in Unix seconds (tls checks).",
                   endpoints.compactMap { e in e.certificateExpiry.map { (e.labels, Double($0)) } })
        out.family("checkup_last_run_timestamp_seconds", type: "gauge", help: "When the result was made, in Unix seconds.",
                   endpoints.map { ($0.labels, Double($0.time) / 1e9) })
    }
}
