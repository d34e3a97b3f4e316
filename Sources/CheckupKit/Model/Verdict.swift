/// One origin's latest word on one endpoint: what its newest result said, and when.
public struct Vote: Sendable, Equatable {
    /// The origin that checked.
    public var origin: String
    /// Its newest result's status.
    public var state: Status
    /// Its newest result's median round-trip time, in nanoseconds.
    public var rtt: Int64
    /// When it checked, in Unix milliseconds.
    public var time: Int64
    /// Why it was not healthy (the first error, else the notice); empty when healthy.
    public var reason: String
    /// Its newest result passed only after a failed attempt (`flaky`).
    public var flaky: Bool

    /// Creates a vote.
    public init(origin: String, state: Status, rtt: Int64, time: Int64, reason: String = "", flaky: Bool = false) {
        self.origin = origin
        self.state = state
        self.rtt = rtt
        self.time = time
        self.reason = reason
        self.flaky = flaky
    }
}

/// The state of an endpoint checked from several places, decided by a quorum of the fresh origins.
///
/// - **down** when at least `quorum` of the voters say down;
/// - **degraded** when some say down but fewer than the quorum (the notice names them:
///   `down from 1 of 3 locations (gamma: connection refused)`), or when none says down and some
///   say degraded;
/// - **healthy** when all voters say healthy; **unknown** with no voter.
///
/// With one voter the verdict is that voter's state, as checkup behaves with one node.
public enum Verdict {
    /// The default quorum for `voters` voters: a majority.
    public static func majority(of voters: Int) -> Int { voters / 2 + 1 }

    /// How many of `voters` must say down: `quorum` (0: a majority), at most all of them.
    static func needed(_ voters: Int, quorum: Int) -> Int { min(voters, quorum > 0 ? quorum : majority(of: voters)) }

    /// The verdict of `votes` (one per origin) under `quorum` (0: a majority), as a result for
    /// `title`/`endpoint` at `time` (Unix nanoseconds): its RTT is the voters' median, its
    /// notice says who disagrees.
    public static func decide(_ votes: [Vote], quorum: Int = 0, title: String, endpoint: String,
                              threshold: Duration = .zero, time: Int64) -> CheckResult {
        var result = CheckResult(title: title, endpoint: endpoint, timestamp: time, threshold: threshold)
        guard !votes.isEmpty else { return result }  // unknown: nobody fresh checked it
        let needed = needed(votes.count, quorum: quorum)
        let sorted = votes.sorted { $0.origin < $1.origin }
        let down = sorted.filter { $0.state == .down }
        let rtt = Quantile.median(sorted.filter { $0.state != .down }.map(\.rtt)) ?? 0
        result.times = [Attempt(rtt: .nanoseconds(rtt))]
        let places = votes.count == 1 ? "location" : "locations"
        if down.count >= needed {
            result.down = true
            result.notice = down.count == votes.count && votes.count == 1 ? down[0].reason
                : "down from \(down.count) of \(votes.count) \(places)" + reasons(down)
        } else if !down.isEmpty {
            result.degraded = true
            result.notice = "down from \(down.count) of \(votes.count) \(places)" + reasons(down)
        } else if let slow = sorted.first(where: { $0.state == .degraded }) {
            result.degraded = true
            result.notice = votes.count == 1 ? slow.reason : "degraded from \(sorted.filter { $0.state == .degraded }.count) of \(votes.count) \(places)"
        } else if sorted.allSatisfy({ $0.state == .healthy }) {
            result.healthy = true
        }
        // Flaky where a place that was not down passed only on a retry: counted in the verdict series.
        let flaky = sorted.filter { $0.flaky && $0.state != .down }
        if !result.down, !flaky.isEmpty {
            result.flaky = true
            if result.notice.isEmpty { result.notice = "flaky from \(flaky.count) of \(votes.count) \(places)" }
        }
        return result
    }

    /// Whether `votes` make a partial outage: some say down, fewer than the quorum. Such a
    /// verdict shows as degraded, but alerts hear it as up: one place's trouble never pages.
    public static func isPartialOutage(_ votes: [Vote], quorum: Int = 0) -> Bool {
        let down = votes.filter { $0.state == .down }.count
        return down > 0 && down < needed(votes.count, quorum: quorum)
    }

    /// The verdict as notifiers hear it: a partial outage is healthy, its notice kept.
    public static func forAlerts(_ verdict: CheckResult, votes: [Vote], quorum: Int = 0) -> CheckResult {
        guard isPartialOutage(votes, quorum: quorum) else { return verdict }
        var up = verdict
        up.degraded = false
        up.healthy = true
        return up
    }

    /// ` (gamma: connection refused; delta: timed out)`, from the votes that have a reason.
    private static func reasons(_ votes: [Vote]) -> String {
        let said = votes.filter { !$0.reason.isEmpty }.map { "\($0.origin): \($0.reason)" }
        return said.isEmpty ? "" : " (" + said.joined(separator: "; ") + ")"
    }
}
