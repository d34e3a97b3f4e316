import Foundation

/// A node's newest round in brief (`summaries/<origin>.latest.json`, a few hundred bytes an
/// endpoint): what the other nodes read each round to decide the verdict, so that deciding costs
/// one small read per origin. Only its own node writes it.
///
/// `{"version":1,"origin":"alpha","location":"Frankfurt","time":1764064800000,"interval":60000,
///   "abstain":"","results":[["Website","https://example.com/",0,81234567,""]]}`: times in Unix
/// milliseconds, `interval` the time since the node's round before (0 when unknown), `abstain`
/// why the node does not vote (empty when it does), each result `[title, endpoint, state, median
/// RTT in ns, reason]`, then a 6th element, `true` when the result was flaky, and, for a result
/// older than the round, its 7th, its time (Unix milliseconds): a slice of the checkers
/// (`--shard`) keeps the other slices' newest results in its round.
public struct LatestRound: Sendable, Equatable {
    /// The version of the format written and read.
    public static let formatVersion = 1

    /// The node.
    public var origin: String
    /// Where it is, for people.
    public var location: String = ""
    /// When the round was stored, Unix milliseconds.
    public var time: Int64
    /// Milliseconds since the node's round before; 0 when unknown.
    public var interval: Int64 = 0
    /// Why the node does not vote this round (its canary is down); empty when it votes.
    public var abstain: String = ""
    /// The round's results, one per endpoint.
    public var results: [Entry] = []

    /// One endpoint's newest result.
    public struct Entry: Sendable, Equatable {
        public var title: String, endpoint: String
        public var state: Status
        /// Median RTT in nanoseconds.
        public var rtt: Int64
        /// The first attempt error, else the notice; empty when healthy.
        public var reason: String
        /// When it was checked, Unix milliseconds (the round's time when not stored).
        public var time: Int64 = 0
        /// It passed only after a failed attempt (the 6th element, `true`; written only when so
        /// or when a 7th follows).
        public var flaky = false
    }

    /// The key of an origin's latest round.
    public static func key(for origin: String) -> String { "\(StatusSummaries.folder)/\(origin).latest.json" }

    /// The newest result of each endpoint in `results`, as of `time` (Unix milliseconds).
    init(origin: String, location: String, time: Int64, results: [CheckResult]) {
        self.origin = origin
        self.location = location
        self.time = time
        var seen: [String: Int] = [:]
        for result in results.sorted(by: { $0.timestamp < $1.timestamp }) {
            let entry = Entry(title: result.title, endpoint: result.endpoint, state: result.status,
                              rtt: result.stats.median.nanoseconds,
                              reason: result.status == .healthy ? "" : StatusSummary.Endpoint.reason(result), time: time,
                              flaky: result.flaky)
            let id = result.title + "\n" + result.endpoint
            if let i = seen[id] { self.results[i] = entry } else { seen[id] = self.results.count; self.results.append(entry) }
        }
    }

    /// The round as stored.
    public func jsonData() -> Data {
        var top = JSONObject()
        top.append("version", .int(Int64(Self.formatVersion)))
        top.append("origin", .string(origin))
        top.append("location", .string(location))
        top.append("time", .int(time))
        top.append("interval", .int(interval))
        top.append("abstain", .string(abstain))
        top.append("results", .array(results.map {
            .array([.string($0.title), .string($0.endpoint), .int(Int64($0.state.code)), .int($0.rtt), .string($0.reason)]
                   + ($0.time != time ? [.bool($0.flaky), .int($0.time)] : $0.flaky ? [.bool(true)] : []))
        }))
        return JSONValue.object(top).encoded()
    }

    /// Reads a round written by `jsonData()`.
    /// - Throws: `CheckupError` (`.storage`) naming `name` and what is malformed.
    public init(jsonData data: Data, name: String) throws(CheckupError) {
        let fail = { (what: String) in CheckupError(.storage, "\(name): \(what)") }
        guard let top = (try? JSONValue.parse(data))?.objectValue, case .int(Int64(Self.formatVersion))? = top["version"],
              let origin = top["origin"]?.stringValue, case .int(let time)? = top["time"] else {
            throw fail("not a version \(Self.formatVersion) latest round")
        }
        self.origin = origin
        self.time = time
        location = top["location"]?.stringValue ?? ""
        if case .int(let interval)? = top["interval"] { self.interval = interval }
        abstain = top["abstain"]?.stringValue ?? ""
        for (i, row) in (top["results"]?.arrayValue ?? []).enumerated() {
            guard let r = row.arrayValue, r.count >= 5, let title = r[0].stringValue, let endpoint = r[1].stringValue,
                  case .int(let code) = r[2], let state = Status(code: Int(code)), case .int(let rtt) = r[3],
                  let reason = r[4].stringValue else {
                throw fail("results[\(i)]: expected [title, endpoint, state, rtt, reason]")
            }
            var at = time
            if r.count > 6 {
                guard case .int(let t) = r[6] else { throw fail("results[\(i)][6]: expected a time in Unix milliseconds") }
                at = t
            }
            results.append(Entry(title: title, endpoint: endpoint, state: state, rtt: rtt, reason: reason, time: at,
                                 flaky: r.count > 5 && r[5] == .bool(true)))
        }
    }

    /// Whether the round still counts at `now` (Unix milliseconds): within `staleAfter` when set,
    /// else within three of the node's intervals, and at least two minutes.
    public func isFresh(at now: Int64, staleAfter: Duration = .zero) -> Bool {
        now - time <= freshWindow(staleAfter: staleAfter)
    }

    /// How long (milliseconds) a round, or one of its results, counts.
    func freshWindow(staleAfter: Duration) -> Int64 {
        staleAfter > .zero ? staleAfter.nanoseconds / 1_000_000 : max(3 * interval, 120_000)
    }

    /// This round with the fresh results of `previous` (at `now`, Unix milliseconds) for the
    /// endpoints it lacks: what a slice of the checkers (`--shard`) publishes, so the other
    /// nodes see every slice's newest results. A result no slice renews ages out.
    func keeping(freshResultsOf previous: LatestRound?, at now: Int64, staleAfter: Duration) -> LatestRound {
        guard let previous else { return self }
        var merged = self
        let mine = Set(results.map { $0.title + "\n" + $0.endpoint })
        let window = previous.freshWindow(staleAfter: staleAfter)
        merged.results += previous.results.filter { !mine.contains($0.title + "\n" + $0.endpoint) && now - $0.time <= window }
        return merged
    }
}
