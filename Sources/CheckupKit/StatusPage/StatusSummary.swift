import Foundation

/// One node's precomputed view of its results, which the status page reads instead of every
/// check file (`summaries/<origin>.json`, format version 1, described in the README).
///
/// Per endpoint it keeps the newest result, every result since the start of yesterday (UTC) at
/// full resolution, a daily rollup for the last 100 days, and the state changes; beside that the
/// messages. Times of day are Unix milliseconds, durations nanoseconds. Feeding results in time
/// order through `add(_:now:)` gives exactly the summary `init(origin:rebuildingFrom:now:)` builds
/// from the same results at once, so check files stay the source of truth.
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
        /// Every result since the start of yesterday (UTC), oldest first.
        public var recent: [Point] = []
        /// Rollups of finished days older than yesterday, oldest first (today's and yesterday's
        /// are computed from `recent` when written: see `days`).
        var frozen: [Day] = []
        /// State changes, oldest first.
        public var events: [Event] = []
        /// For a verdict: the votes its newest point was decided from.
        public var votes: [Vote] = []

        /// Every day's rollup, oldest first: the frozen days, then those still in `recent`.
        public var days: [Day] { Day.merged(frozen, Day.rollups(recent)) }
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
        results.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }.map(\.element)
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
        let keepRecent = Day.startOfYesterday(nowMS)
        let oldest = nowMS - Int64(Self.retentionDays) * 86_400_000
        let oldestDay = Day.key(oldest)
        for i in endpoints.indices {
            var e = endpoints[i]
            let cut = e.recent.partitioningIndex { $0.time >= keepRecent }
            if cut > 0 {
                e.frozen = Day.merged(e.frozen, Day.rollups(e.recent[..<cut]))
                e.recent.removeFirst(cut)
            }
            e.recent = Point.compacted(e.recent, before: nowMS - rawWindowMs)
            e.frozen.removeAll { $0.key < oldestDay }
            e.events.removeAll { $0.time < oldest }
            if e.events.count > Self.maxEvents { e.events.removeFirst(e.events.count - Self.maxEvents) }
            endpoints[i] = e
        }
        endpoints.removeAll { $0.recent.isEmpty && $0.frozen.isEmpty && $0.events.isEmpty }
        endpoints.sort { ($0.title, $0.endpoint) < ($1.title, $1.endpoint) }
    }

    static func milliseconds(_ ns: Int64) -> Int64 { ns >= 0 ? ns / 1_000_000 : -((-ns + 999_999) / 1_000_000) }

    private struct EndpointKey: Hashable { var title: String, endpoint: String }
}

extension StatusSummary.Endpoint {
    mutating func add(_ result: CheckResult) {
        let point = StatusSummary.Point(result)
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
    /// `points` (in time order) with the runs of one minute and one state before `cutoff` (Unix
    /// milliseconds) folded into one point each: the run's last time, its count, and the median
    /// of its RTTs (weighted by count) and phases. Counts stay exact; a minute holds as many
    /// points as state changes.
    static func compacted(_ points: [Self], before cutoff: Int64) -> [Self] {
        let old = points.partitioningIndex { $0.time >= cutoff }
        guard old > 1 else { return points }
        var out: [Self] = []
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
        for point in points[..<old] {
            if let first = run.first, first.state != point.state || first.time / 60_000 != point.time / 60_000 { flush() }
            run.append(point)
        }
        flush()
        return out + points[old...]
    }
}

extension StatusSummary.Day {
    /// The exact rollup of one day's results (a folded point counts for each of its results).
    init(key: String, points: [StatusSummary.Point]) {
        self.key = key
        var rtts: [Int64] = []
        for point in points {
            let n = Swift.max(1, point.count)
            count += n
            switch point.state {
            case .healthy: healthy += n
            case .degraded: degraded += n
            case .down: down += n
            case .unknown: unknown += n
            }
            flaky += point.flaky
            if point.state != .down { rtts.append(contentsOf: repeatElement(point.rtt, count: n)) }
        }
        guard !rtts.isEmpty else { return }
        rtts.sort()
        min = rtts[0]
        max = rtts[rtts.count - 1]
        median = Quantile.median(ofSorted: rtts) ?? 0
        p95 = Quantile.nearestRank(95, ofSorted: rtts) ?? 0
    }

    /// The rollups of the days `points` fall in, oldest first.
    static func rollups(_ points: some Sequence<StatusSummary.Point>) -> [Self] {
        var byDay: [String: [StatusSummary.Point]] = [:]
        for point in points { byDay[key(point.time), default: []].append(point) }
        return byDay.keys.sorted().map { Self(key: $0, points: byDay[$0]!) }  // keys come from byDay
    }

    /// Two sorted lists of rollups as one; the same day in both (a result that arrived after its
    /// day was rolled up) adds the counts, and the RTT figures combine weighted by count.
    static func merged(_ a: [Self], _ b: [Self]) -> [Self] {
        guard !b.isEmpty else { return a }
        guard !a.isEmpty else { return b }
        var byKey: [String: Self] = [:]
        for day in a + b {
            guard let seen = byKey[day.key] else { byKey[day.key] = day; continue }
            byKey[day.key] = seen.combined(with: day)
        }
        return byKey.keys.sorted().map { byKey[$0]! }  // keys come from byKey
    }

    func combined(with other: Self) -> Self {
        var out = self
        out.count += other.count
        out.healthy += other.healthy
        out.degraded += other.degraded
        out.down += other.down
        out.unknown += other.unknown
        out.flaky += other.flaky
        let w1 = Int64(count - down), w2 = Int64(other.count - other.down)
        if w2 > 0 {
            if w1 == 0 {
                (out.min, out.median, out.p95, out.max) = (other.min, other.median, other.p95, other.max)
            } else {
                out.min = Swift.min(min, other.min)
                out.max = Swift.max(max, other.max)
                out.median = (median * w1 + other.median * w2) / (w1 + w2)
                out.p95 = (p95 * w1 + other.p95 * w2) / (w1 + w2)
            }
        }
        return out
    }

    /// The UTC day of a time in Unix milliseconds, as `YYYY-MM-DD`.
    static func key(_ ms: Int64) -> String {
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900, month = Int(parts.tm_mon) + 1, day = Int(parts.tm_mday)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// Midnight (UTC) at the start of the day before the one `ms` falls in.
    static func startOfYesterday(_ ms: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let today = ms >= 0 ? ms / day * day : ((ms - day + 1) / day) * day
        return today - day
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
