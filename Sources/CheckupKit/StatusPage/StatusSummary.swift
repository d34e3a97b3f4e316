import Foundation

/// One node's precomputed view of its results, which the status page reads instead of every
/// check file (`summaries/<origin>.json`, format version 1, described in the README).
///
/// Per endpoint it keeps the newest result, the last 24 hours of results (one point each for ten
/// minutes, then folded per minute, and per quarter hour beyond an hour), a daily rollup for the
/// last 100 days, and the state changes; beside that the messages. So its size is bounded
/// however often a node checks and however long it runs. Times of day are Unix milliseconds,
/// durations nanoseconds. Feeding results in time order through `add(_:now:)` gives exactly the
/// summary `init(origin:rebuildingFrom:now:)` builds from the same results at once, so check
/// files stay the source of truth.
public struct StatusSummary: Sendable, Equatable {
    /// The version of the format written and read.
    public static let formatVersion = 1
    /// Days of rollups, events and messages kept.
    public static let retentionDays = 100
    /// Most state changes kept per endpoint.
    public static let maxEvents = 2000
    /// Most messages kept.
    public static let maxMessages = 500

    /// The node that wrote this summary.
    public var origin: String
    /// Where the node is, for people (its config's `location`); empty when not set.
    public var location: String = ""
    /// Why the node did not vote in its newest round (its canary was down); empty when it did.
    public var abstain: String = ""
    /// When it was last written, in Unix milliseconds.
    public var updated: Int64 = 0
    /// The endpoints, sorted by title, then endpoint.
    public var endpoints: [Endpoint] = []
    /// Results that carried a message, oldest first.
    public var messages: [Message] = []
    /// The endpoints' verdicts at this node's rounds (a quorum of the fresh origins), in the shape
    /// of `endpoints`; kept only while the store has more than one origin.
    public var verdicts: [Endpoint] = []

    /// One endpoint (identified by title and endpoint) as seen by this node.
    public struct Endpoint: Sendable, Equatable {
        /// The result's `title`.
        public var title: String
        /// The result's `endpoint`.
        public var endpoint: String
        /// The newest result's threshold in nanoseconds; 0 when none.
        public var threshold: Int64 = 0
        /// The newest result.
        public var last: Point?
        /// The last 24 hours of results, oldest first, older ones folded (`compacted`).
        public var recent: [Point] = []
        /// Rollups of finished days older than yesterday, oldest first.
        var frozen: [Day] = []
        /// The running tallies of today and yesterday (and of any older day a late result fell
        /// in, until the next prune rolls it up), oldest first.
        var open: [DayTally] = []
        /// State changes, oldest first.
        public var events: [Event] = []
        /// For a verdict: the votes its newest point was decided from.
        public var votes: [Vote] = []

        /// Every day's rollup, oldest first: the frozen days, then the open ones.
        public var days: [Day] { Day.merged(frozen, open.map(\.day)) }
    }

    /// One result: when, its state and its median round-trip time, with the phase times.
    public struct Point: Sendable, Equatable {
        /// Unix milliseconds.
        public var time: Int64
        /// The result's status.
        public var state: Status
        /// Median RTT over the attempts, in nanoseconds.
        public var rtt: Int64
        /// Median phase times over the attempts that measured them, in nanoseconds.
        public var lookup: Int64?, connect: Int64?, tls: Int64?, firstByte: Int64?
        /// How many results this point stands for: 1, or more once older results of the same
        /// minute and state are folded into one (`compacted`), so a summary stays small however
        /// often a node checks.
        public var count = 1
        /// How many of those results were flaky (passed only after a failed attempt, `flaky`).
        public var flaky = 0
    }

    /// Results newer than this (10 minutes) are kept one point each; older ones are folded per minute.
    public static let rawWindowMs: Int64 = 600_000
    /// Results older than this (an hour) are folded per quarter hour.
    public static let minuteWindowMs: Int64 = 3_600_000
    /// Results older than this (a day) leave `recent`; the day rollups keep them.
    public static let recentWindowMs: Int64 = 86_400_000

    /// One UTC day's rollup. RTT figures are over the results that were not down; all 0 when none.
    public struct Day: Sendable, Equatable {
        /// `YYYY-MM-DD` (UTC).
        public var key: String
        /// How many results the day had, in all and by state.
        public var count = 0, healthy = 0, degraded = 0, down = 0, unknown = 0
        /// The smallest, median, 95th-percentile (nearest rank) and largest median RTT, in nanoseconds.
        public var min: Int64 = 0, median: Int64 = 0, p95: Int64 = 0, max: Int64 = 0
        /// How many of them were flaky (passed only after a failed attempt), whatever their state.
        public var flaky = 0
    }

    /// A change of state: the first result, or one whose state differs from the one before.
    public struct Event: Sendable, Equatable {
        /// Unix milliseconds.
        public var time: Int64
        /// The state changed to.
        public var state: Status
        /// The notice of a result that is not down, else the first attempt error, else the notice.
        public var reason: String
    }

    /// A message attached to a result (`checkup message`).
    public struct Message: Sendable, Equatable {
        /// Unix milliseconds.
        public var time: Int64
        /// The endpoint's title.
        public var title: String
        /// The endpoint.
        public var endpoint: String
        /// The message, as written (the page renders an allow-list of HTML in it).
        public var text: String
    }

    /// An empty summary for `origin`.
    public init(origin: String) { self.origin = origin }

    /// Builds the summary of `results` (any order) as of `now` (Unix nanoseconds).
    public init(origin: String, rebuildingFrom results: [CheckResult], now: Int64) {
        self.origin = origin
        add(results, now: now)
    }

    /// Adds one or more rounds of results, then drops what has aged out as of `now` (Unix
    /// nanoseconds): results before yesterday become daily rollups; rollups, events and
    /// messages older than `retentionDays` go.
    public mutating func add(_ results: [CheckResult], now: Int64) {
        let ordered = Self.inOrder(results)
        Self.file(ordered, into: &endpoints)
        for result in ordered where !result.message.isEmpty {
            messages.append(Message(time: Self.milliseconds(result.timestamp), title: result.title,
                                    endpoint: result.endpoint, text: result.message))
        }
        messages.sort { $0.time < $1.time }
        prune(now: now)
        updated = Swift.max(updated, Self.milliseconds(now))
    }

    /// Adds one round's verdicts, each with the votes it was decided from, as of `now`.
    public mutating func addVerdicts(_ verdicts: [(result: CheckResult, votes: [Vote])], now: Int64) {
        Self.file(Self.inOrder(verdicts.map(\.result)), into: &self.verdicts)
        for (result, votes) in verdicts {
            if let i = self.verdicts.firstIndex(where: { $0.title == result.title && $0.endpoint == result.endpoint }) {
                self.verdicts[i].votes = votes
            }
        }
        prune(now: now)
        updated = Swift.max(updated, Self.milliseconds(now))
    }

    private static func inOrder(_ results: [CheckResult]) -> [CheckResult] {
        // Usually in order already (a round, a rebuild's check files): then no copy is made.
        if zip(results, results.dropFirst()).allSatisfy({ $0.timestamp <= $1.timestamp }) { return results }
        return results.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
    }

    /// Files results (in time order) under their endpoints, adding endpoints not seen before.
    private static func file(_ ordered: [CheckResult], into endpoints: inout [Endpoint]) {
        var positions: [EndpointKey: Int] = [:]
        for (i, e) in endpoints.enumerated() { positions[EndpointKey(title: e.title, endpoint: e.endpoint)] = i }
        for result in ordered {
            let key = EndpointKey(title: result.title, endpoint: result.endpoint)
            let index: Int
            if let found = positions[key] {
                index = found
            } else {
                index = endpoints.count
                endpoints.append(Endpoint(title: result.title, endpoint: result.endpoint))
                positions[key] = index
            }
            endpoints[index].add(result)
        }
    }

    private mutating func prune(now: Int64) {
        let nowMS = Self.milliseconds(now)
        Self.prune(&endpoints, nowMS: nowMS)
        Self.prune(&verdicts, nowMS: nowMS)
        let oldest = nowMS - Int64(Self.retentionDays) * 86_400_000
        messages.removeAll { $0.time < oldest }
        if messages.count > Self.maxMessages { messages.removeFirst(messages.count - Self.maxMessages) }
    }

    private static func prune(_ endpoints: inout [Endpoint], nowMS: Int64) {
        let keepRecentDay = Day.key(Day.startOfYesterday(nowMS))
        let oldest = nowMS - Int64(Self.retentionDays) * 86_400_000
        let oldestDay = Day.key(oldest)
        for i in endpoints.indices {
            prune(&endpoints[i], nowMS: nowMS, keepRecentDay: keepRecentDay, oldest: oldest, oldestDay: oldestDay)
        }
        endpoints.removeAll { $0.recent.isEmpty && $0.frozen.isEmpty && $0.open.isEmpty && $0.events.isEmpty }
        endpoints.sort { ($0.title, $0.endpoint) < ($1.title, $1.endpoint) }
    }

    /// Prunes one endpoint in place (a copy would copy its arrays on every change).
    private static func prune(_ e: inout Endpoint, nowMS: Int64, keepRecentDay: String, oldest: Int64, oldestDay: String) {
        let finished = e.open.partitioningIndex { $0.key >= keepRecentDay }
        if finished > 0 {
            e.frozen = Day.merged(e.frozen, e.open[..<finished].map(\.day))
            e.open.removeFirst(finished)
        }
        // Cut-offs on whole buckets, so each bucket is folded once, from all its points.
        func floor(_ ms: Int64, _ bucket: Int64) -> Int64 { ms >= 0 ? ms / bucket * bucket : (ms - bucket + 1) / bucket * bucket }
        e.recent = Point.compacted(e.recent, before: floor(nowMS - rawWindowMs, 60_000), bucket: 60_000)
        e.recent = Point.compacted(e.recent, before: floor(nowMS - minuteWindowMs, 900_000), bucket: 900_000)
        let gone = e.recent.partitioningIndex { $0.time >= floor(nowMS - recentWindowMs, 900_000) }
        if gone > 0 { e.recent.removeFirst(gone) }
        e.frozen.removeAll { $0.key < oldestDay }
        e.events.removeAll { $0.time < oldest }
        if e.events.count > Self.maxEvents { e.events.removeFirst(e.events.count - Self.maxEvents) }
    }

    static func milliseconds(_ ns: Int64) -> Int64 { ns >= 0 ? ns / 1_000_000 : -((-ns + 999_999) / 1_000_000) }

    private struct EndpointKey: Hashable { var title: String, endpoint: String }
}

extension StatusSummary.Endpoint {
    mutating func add(_ result: CheckResult) {
        let point = StatusSummary.Point(result)
        tally(point)
        // A result older than the newest one (a late writer) is filed in order but changes no state.
        if let last, point.time < last.time {
            let at = recent.partitioningIndex { $0.time > point.time }
            recent.insert(point, at: at)
            return
        }
        if last?.state != point.state {
            events.append(StatusSummary.Event(time: point.time, state: point.state, reason: Self.reason(result)))
        }
        last = StatusSummary.Point(time: point.time, state: point.state, rtt: point.rtt)  // as stored: no phases
        threshold = result.threshold.nanoseconds
        recent.append(point)
    }

    /// Why: for a result that is not down, its notice when it has one (the addresses that
    /// failed, a flaky pass); else the first attempt error, else the notice.
    static func reason(_ result: CheckResult) -> String {
        if !result.down, !result.notice.isEmpty { return result.notice }
        if let error = result.times.lazy.compactMap(\.error).first(where: { !$0.isEmpty }) { return error }
        return result.notice
    }
}

extension StatusSummary.Point {
    init(_ result: CheckResult) {
        if result.times.count == 1 {  // the usual result: its one attempt's times are the medians
            let a = result.times[0]
            self.init(time: StatusSummary.milliseconds(result.timestamp), state: result.status, rtt: a.rtt.nanoseconds,
                      lookup: a.nameLookup?.nanoseconds, connect: a.connect?.nanoseconds, tls: a.tlsHandshake?.nanoseconds,
                      firstByte: a.firstByte?.nanoseconds, flaky: result.flaky ? 1 : 0)
            return
        }
        let median = { (values: [Int64]) in Quantile.median(values) }
        let times = result.times
        self.init(time: StatusSummary.milliseconds(result.timestamp), state: result.status,
                  rtt: result.stats.median.nanoseconds,
                  lookup: median(times.compactMap { $0.nameLookup?.nanoseconds }),
                  connect: median(times.compactMap { $0.connect?.nanoseconds }),
                  tls: median(times.compactMap { $0.tlsHandshake?.nanoseconds }),
                  firstByte: median(times.compactMap { $0.firstByte?.nanoseconds }), flaky: result.flaky ? 1 : 0)
    }
}

extension StatusSummary.Point {
    /// `points` (in time order) with the runs of one `bucket` (milliseconds) and one state before
    /// `cutoff` (Unix milliseconds) folded into one point each: the run's last time, its count,
    /// and the median of its RTTs (weighted by count) and phases. Counts stay exact; a bucket
    /// holds as many points as state changes.
    static func compacted(_ points: [Self], before cutoff: Int64, bucket: Int64) -> [Self] {
        let old = points.partitioningIndex { $0.time >= cutoff }
        guard old > 1 else { return points }
        // The points before the first two that fold together stay as they are (most of them
        // were folded by an earlier call): only the rest is copied and folded.
        func together(_ a: Self, _ b: Self) -> Bool { a.state == b.state && a.time / bucket == b.time / bucket }
        guard let first = (1..<old).first(where: { together(points[$0 - 1], points[$0]) }).map({ $0 - 1 }) else { return points }
        var out = Array(points[..<first])
        var run: [Self] = []
        func flush() {
            guard let last = run.last else { return }
            if run.count == 1 { out.append(last); run = []; return }
            func median(_ values: [Int64?]) -> Int64? { Quantile.median(values.compactMap { $0 }) }
            let weighted = run.flatMap { Array(repeating: $0.rtt, count: max(1, $0.count)) }
            out.append(Self(time: last.time, state: last.state, rtt: Quantile.median(weighted) ?? last.rtt,
                            lookup: median(run.map(\.lookup)), connect: median(run.map(\.connect)),
                            tls: median(run.map(\.tls)), firstByte: median(run.map(\.firstByte)),
                            count: run.reduce(0) { $0 + max(1, $1.count) }, flaky: run.reduce(0) { $0 + $1.flaky }))
            run = []
        }
        for point in points[first..<old] {
            if let head = run.first, !together(head, point) { flush() }
            run.append(point)
        }
        flush()
        return out + points[old...]
    }
}

extension Array {
    /// The index of the first element for which `belongsToSecondPart` holds, in an array where
    /// every such element comes after every other (binary search).
    func partitioningIndex(where belongsToSecondPart: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongsToSecondPart(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
