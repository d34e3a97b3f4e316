import Foundation

extension StatusSummary {
    /// The running rollup of a day that is not finished with yet (today and yesterday, UTC): its
    /// counts, RTT extremes and a histogram of its RTTs, so the day's figures need none of its
    /// results kept. Adding the same results in any order gives the same tally.
    struct DayTally: Sendable, Equatable {
        /// `YYYY-MM-DD` (UTC).
        var key: String
        var count = 0, healthy = 0, degraded = 0, down = 0, unknown = 0, flaky = 0
        /// The smallest and largest RTT of the results that were not down; 0 when none.
        var min: Int64 = 0, max: Int64 = 0
        /// The RTTs of the results that were not down.
        var rtts = RTTHistogram()

        init(key: String) { self.key = key }

        /// Counts `point` (a folded point for each of its results).
        mutating func add(_ point: Point) {
            let n = Swift.max(1, point.count)
            count += n
            switch point.state {
            case .healthy: healthy += n
            case .degraded: degraded += n
            case .down: down += n
            case .unknown: unknown += n
            }
            flaky += point.flaky
            guard point.state != .down else { return }
            min = rtts.count == 0 ? point.rtt : Swift.min(min, point.rtt)
            max = rtts.count == 0 ? point.rtt : Swift.max(max, point.rtt)
            rtts.add(point.rtt, times: n)
        }

        /// The day's rollup: exact counts and extremes; median and p95 from the histogram, kept
        /// within the extremes (a bin's middle can lie beyond the one value it holds).
        var day: Day {
            func bounded(_ v: Int64?) -> Int64 { v.map { Swift.min(Swift.max($0, min), max) } ?? 0 }
            return Day(key: key, count: count, healthy: healthy, degraded: degraded, down: down, unknown: unknown,
                       min: min, median: bounded(rtts.median), p95: bounded(rtts.nearestRank(95)), max: max, flaky: flaky)
        }
    }
}

extension StatusSummary.Endpoint {
    /// Counts `point` in the tally of its day.
    mutating func tally(_ point: StatusSummary.Point) {
        let key = StatusSummary.Day.key(point.time)
        if let i = open.lastIndex(where: { $0.key == key }) {
            open[i].add(point)
            return
        }
        var tally = StatusSummary.DayTally(key: key)
        tally.add(point)
        open.append(tally)
        open.sort { $0.key < $1.key }
    }
}

extension StatusSummary.Day {
    /// Two sorted lists of rollups as one; the same day in both (a result that arrived after its
    /// day was rolled up) adds the counts, and the RTT figures combine weighted by count.
    static func merged(_ a: [Self], _ b: [Self]) -> [Self] {
        guard !b.isEmpty else { return a }
        guard !a.isEmpty else { return b }
        if a.last!.key < b.first!.key { return a + b }  // the usual case: open days after the frozen ones
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
