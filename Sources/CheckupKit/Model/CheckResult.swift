import Foundation
import Synchronization

/// The outcome of checking one endpoint once: every attempt and the verdict drawn from them.
///
/// Its JSON is the original's `Result` byte for byte (`title`, `endpoint`, `timestamp`, `times`,
/// `threshold`, `healthy`, `degraded`, `down`, `notice`, `message`, each left out when empty), so
/// check files written by checkup and by the Go tool can be read by either.
public struct CheckResult: Sendable, Equatable, CustomStringConvertible {
    /// The checker's name (`endpoint_name`, or `name` for exec checks).
    public var title: String
    /// The URL, address or command that was checked.
    public var endpoint: String
    /// When the result was made, as UTC Unix nanoseconds.
    public var timestamp: Int64
    /// Every attempt, in order.
    public var times: [Attempt]
    /// The round-trip threshold above which the endpoint counts as degraded; zero for none.
    public var threshold: Duration
    /// The endpoint works as expected.
    public var healthy: Bool
    /// The endpoint works but not well (slow, or a warning).
    public var degraded: Bool
    /// The endpoint does not work.
    public var down: Bool
    /// Why the result is degraded or down, when there is a single reason worth stating.
    public var notice: String
    /// A message a person attached, e.g. with `checkup message`.
    public var message: String
    /// The leaf certificate, for TLS checks (checkup's extension; `certificate` in JSON).
    public var certificate: CertificateInfo?
    /// The node that made the result (checkup's extension; `origin` in JSON, after the
    /// original's keys); empty in the original's check files.
    public var origin: String = ""
    /// The result passed only after a failed attempt (checkup's extension, with `retry`; `flaky`
    /// in JSON, after `origin`, and only when true).
    public var flaky: Bool = false

    /// Creates a result. Flags left false mean the status is unknown until `conclude()` runs.
    public init(title: String = "", endpoint: String = "", timestamp: Int64 = CheckResult.now(),
                times: [Attempt] = [], threshold: Duration = .zero, healthy: Bool = false,
                degraded: Bool = false, down: Bool = false, notice: String = "", message: String = "") {
        self.title = title
        self.endpoint = endpoint
        self.timestamp = timestamp
        self.times = times
        self.threshold = threshold
        self.healthy = healthy
        self.degraded = degraded
        self.down = down
        self.notice = notice
        self.message = message
        self.certificate = nil
    }

    /// The current time as UTC Unix nanoseconds (Go's `types.Timestamp()`).
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The status the flags describe; when several are set, the worst wins.
    public var status: Status {
        if down { return .down }
        if degraded { return .degraded }
        if healthy { return .healthy }
        return .unknown
    }

    /// Statistics of the attempts' round-trip times.
    public var stats: Stats { Stats(times) }

    /// Sets exactly one status flag from the attempts, as every checker of the original does:
    /// any attempt error makes it down; otherwise a median above `threshold` makes it degraded
    /// with a notice; otherwise it is healthy. A result with no attempts is down.
    public mutating func conclude() {
        healthy = false; degraded = false; down = false
        if times.isEmpty {
            down = true
            if notice.isEmpty { notice = "no attempts were made" }
            return
        }
        if times.contains(where: { !($0.error ?? "").isEmpty }) {
            down = true
            return
        }
        if threshold > .zero, stats.median > threshold {
            degraded = true
            notice = "median round trip time exceeded threshold (\(threshold.goDescription))"
            return
        }
        healthy = true
    }

    /// The text the CLI prints for a result (the original's `Result.String()`).
    public var description: String { description(colored: false) }

    /// The printed form; with `colored`, the Assessment line is green, yellow or red by status.
    public func description(colored: Bool) -> String {
        let s = stats
        // Titles, endpoints and errors may carry a peer's words: never raw control characters.
        let all = times.map { "{\($0.rtt.goDescription) \(terminalSafe($0.error ?? ""))}" }.joined(separator: " ")
        var text = """
            == \(terminalSafe(title)) - \(terminalSafe(endpoint))
              Threshold: \(threshold.goDescription)
                    Max: \(s.max.goDescription)
                    Min: \(s.min.goDescription)
                 Median: \(s.median.goDescription)
                   Mean: \(s.mean.goDescription)
                    All: [\(all)]

            """
        let assessment = " Assessment: \(status)\n"
        let colour: String? = switch status {
        case .healthy: "32"
        case .degraded: "33"
        case .down: "31"
        case .unknown: nil
        }
        if colored, let colour {
            text += "\u{1B}[\(colour)m\(assessment)\u{1B}[0m"
        } else {
            text += assessment
        }
        // checkup's extensions, only when there are any, so the original's output is unchanged:
        // why (the addresses that failed, a flaky pass, a verdict) and the degraded assertions.
        if !notice.isEmpty { text += "     Notice: \(terminalSafe(notice))\n" }
        var seen: Set<String> = []
        for warning in times.flatMap(\.warnings) where seen.insert(warning).inserted {
            text += "    Warning: \(terminalSafe(warning))\n"
        }
        return text
    }

    /// The printed form of every result, each followed by a blank line, as a plain run prints
    /// them. Large rounds are formatted in chunks on every core (10,000 results take tens of
    /// milliseconds on one).
    public static func text(of results: [CheckResult], colored: Bool) -> String {
        let chunkSize = 512
        let chunks = (results.count + chunkSize - 1) / chunkSize
        guard chunks > 1 else { return results.map { $0.description(colored: colored) + "\n" }.joined() }
        let parts = Mutex([String](repeating: "", count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var text = ""
            for result in results[(chunk * chunkSize)..<min(results.count, (chunk + 1) * chunkSize)] {
                text += result.description(colored: colored)
                text += "\n"
            }
            parts.withLock { $0[chunk] = text }
        }
        return parts.withLock { $0.joined() }
    }

    var json: JSONValue {
        var o = JSONObject()
        o.append("title", title.isEmpty ? nil : .string(title))
        o.append("endpoint", endpoint.isEmpty ? nil : .string(endpoint))
        o.append("timestamp", timestamp == 0 ? nil : .int(timestamp))
        o.append("times", times.isEmpty ? nil : .array(times.map(\.json)))
        o.append("threshold", threshold == .zero ? nil : .int(threshold.nanoseconds))
        o.append("healthy", healthy ? .bool(true) : nil)
        o.append("degraded", degraded ? .bool(true) : nil)
        o.append("down", down ? .bool(true) : nil)
        o.append("notice", notice.isEmpty ? nil : .string(notice))
        o.append("message", message.isEmpty ? nil : .string(message))
        o.append("certificate", certificate?.json)
        o.append("origin", origin.isEmpty ? nil : .string(origin))
        o.append("flaky", flaky ? .bool(true) : nil)
        return .object(o)
    }

    init(json: JSONValue) throws(JSONShapeError) {
        guard let o = json.objectValue else { throw JSONShapeError("a result is \(json.kindName), not an object") }
        func int(_ key: String) throws(JSONShapeError) -> Int64 {
            switch o[key] {
            case nil, .null?: return 0
            case .int(let i)?: return i
            case .double(let d)?: return Int64(exactly: d.rounded()) ?? 0
            case let other?: throw JSONShapeError("\(key) is \(other.kindName), not a number")
            }
        }
        func bool(_ key: String) -> Bool { if case .bool(true)? = o[key] { true } else { false } }
        self.init(title: o["title"]?.stringValue ?? "", endpoint: o["endpoint"]?.stringValue ?? "",
                  timestamp: try int("timestamp"), threshold: .nanoseconds(try int("threshold")),
                  healthy: bool("healthy"), degraded: bool("degraded"), down: bool("down"),
                  notice: o["notice"]?.stringValue ?? "", message: o["message"]?.stringValue ?? "")
        certificate = CertificateInfo(json: o["certificate"])
        origin = o["origin"]?.stringValue ?? ""
        flaky = bool("flaky")
        if let times = o["times"], times != .null {
            guard let list = times.arrayValue else { throw JSONShapeError("times is \(times.kindName), not an array") }
            self.times = try list.map { v throws(JSONShapeError) in try Attempt(json: v) }
        }
    }
}

extension CheckResult {
    /// The bytes of a check file holding `results`: a JSON array, one result per checker, with the
    /// trailing newline Go's `json.Encoder` writes (`[{"title":"Testing"}]\n`).
    public static func checkFileData(_ results: [CheckResult]) -> Data {
        var data = JSONValue.array(results.map(\.json)).encoded()
        data.append(0x0A)
        return data
    }

    /// Decodes a check file (or any JSON array of results, with or without a trailing newline).
    /// - Throws: `CheckupError` with code `.format` when the data is not a JSON array of results.
    public static func decodeCheckFile(_ data: Data, name: String = "check file") throws(CheckupError) -> [CheckResult] {
        if let results = decodeTypical(data) { return results }
        return try decodeLeniently(data, name: name)
    }

    /// `decodeCheckFile` the lenient way: any JSON types where the usual ones belong, and the
    /// errors worded.
    static func decodeLeniently(_ data: Data, name: String) throws(CheckupError) -> [CheckResult] {
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch {
            throw CheckupError(.format, "\(name): \((error as? JSONValue.ParseError)?.message ?? "invalid JSON")")
        }
        guard let items = value.arrayValue else {
            throw CheckupError(.format, "\(name): is \(value.kindName), not an array of results")
        }
        var results: [CheckResult] = []
        for (i, item) in items.enumerated() {
            do { results.append(try CheckResult(json: item)) } catch {
                throw CheckupError(.format, "\(name): [\(i)]: \(error.message)")
            }
        }
        return results
    }
}
