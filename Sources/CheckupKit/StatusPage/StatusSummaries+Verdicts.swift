import Foundation

// Deciding from several places: each node publishes its latest round, reads the other origins'
// latest rounds (one small object each), and decides every endpoint's verdict by a quorum of the
// fresh ones. Nothing coordinates the nodes; each writes only its own objects.
/// What a round decided from several places: empty while the store has one origin.
public struct RoundVerdicts: Sendable, Equatable {
    /// Every endpoint's verdict this round.
    public var verdicts: [CheckResult] = []
    /// The verdicts as notifiers hear them (`Verdict.forAlerts`: a partial outage is up; an
    /// endpoint nobody fresh could judge is left out).
    public var alerting: [CheckResult] = []
    /// Whether the store has other origins: then notifiers hear `alerting`, never this node alone.
    public var isShared = false
    /// The verdicts whose state differs from this node's verdict before.
    public var changed: [CheckResult] = []
    /// The alphabetically first origin that voted: who sends alerts where claims cannot settle it.
    public var firstVoter = ""
}

extension StatusSummaries {
    /// Writes this node's latest round (`LatestRound.key(for:)`) and returns it.
    func publishLatest(_ results: [CheckResult], at nowMS: Int64, abstain: String) async throws -> LatestRound {
        let key = LatestRound.key(for: origin)
        let (origin, location, interval) = (self.origin, self.location, self.interval)
        let (sharded, staleAfter) = (self.sharded, self.staleAfter)
        return try await modify(key) { data throws(CheckupError) -> (Data, LatestRound) in
            var round = LatestRound(origin: origin, location: location, time: nowMS, results: results)
            round.abstain = abstain
            let previous = data.flatMap { try? LatestRound(jsonData: $0, name: key) }
            round.interval = interval > .zero ? interval.nanoseconds / 1_000_000 : previous.map { max(0, nowMS - $0.time) } ?? 0
            if sharded { round = round.keeping(freshResultsOf: previous, at: nowMS, staleAfter: staleAfter) }
            return (round.jsonData(), round)
        }
    }

    /// The latest rounds of `origins`, read at once; an origin without one (or with an unreadable
    /// one) is left out: it cannot vote.
    func latestRounds(of origins: [String]) async throws -> [LatestRound] {
        try await withThrowingTaskGroup(of: LatestRound?.self) { group in
            for origin in origins {
                group.addTask {
                    let key = LatestRound.key(for: origin)
                    guard let (data, _) = try? await storage.readSummaryObject(key) else { return nil }
                    return try? LatestRound(jsonData: data, name: key)
                }
            }
            var rounds: [LatestRound] = []
            for try await round in group { if let round { rounds.append(round) } }
            return rounds.sorted { $0.origin < $1.origin }
        }
    }

    /// Each endpoint of `results` decided from this node's round and the fresh, voting rounds of
    /// the others, with the votes.
    func decide(_ results: [CheckResult], _ own: LatestRound, _ others: [LatestRound],
                at now: Int64) -> [(result: CheckResult, votes: [Vote])] {
        let nowMS = StatusSummary.milliseconds(now)
        let voters = ([own] + others).filter { $0.abstain.isEmpty && $0.isFresh(at: nowMS, staleAfter: staleAfter) }
            .sorted { $0.origin < $1.origin }
        let thresholds = Dictionary(results.map { ($0.title + "\n" + $0.endpoint, $0.threshold) }, uniquingKeysWith: { $1 })
        return own.results.map { entry in
            let votes = voters.compactMap { round -> Vote? in
                // An origin that could not judge (unknown) does not vote.
                guard let mine = round.results.first(where: { $0.title == entry.title && $0.endpoint == entry.endpoint }),
                      mine.state != .unknown, nowMS - mine.time <= round.freshWindow(staleAfter: staleAfter) else { return nil }
                return Vote(origin: round.origin, state: mine.state, rtt: mine.rtt, time: mine.time, reason: mine.reason, flaky: mine.flaky)
            }
            let verdict = Verdict.decide(votes, quorum: quorums[entry.title] ?? quorum, title: entry.title, endpoint: entry.endpoint,
                                         threshold: thresholds[entry.title + "\n" + entry.endpoint] ?? .zero, time: now)
            return (verdict, votes)
        }
    }
}
