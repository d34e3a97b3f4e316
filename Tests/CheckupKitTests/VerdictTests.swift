import Foundation
import Testing
@testable import CheckupKit

/// The quorum rule, by known answers.
@Suite struct VerdictTests {
    func votes(_ states: [Status]) -> [Vote] {
        states.enumerated().map { i, state in
            Vote(origin: ["a", "b", "c", "d"][i], state: state, rtt: Int64(10 + i) * 1_000_000, time: 1_000,
                 reason: state == .down ? "connection refused" : "")
        }
    }

    func decide(_ states: [Status], quorum: Int = 0) -> CheckResult {
        Verdict.decide(votes(states), quorum: quorum, title: "Web", endpoint: "https://w.test/", time: 7)
    }

    @Test func aMajorityOfTheFreshOriginsDecidesDown() {
        let one = decide([.healthy, .healthy, .down])
        #expect(one.status == .degraded && one.notice == "down from 1 of 3 locations (c: connection refused)")
        let two = decide([.healthy, .down, .down])
        #expect(two.status == .down && two.notice == "down from 2 of 3 locations (b: connection refused; c: connection refused)")
        #expect(decide([.healthy, .healthy, .down, .down]).status == .degraded)  // 2 of 4 is no majority
        #expect(decide([.healthy, .down, .down], quorum: 3).status == .degraded)
        #expect(decide([.healthy, .healthy, .down], quorum: 1).status == .down)
    }

    @Test func oneOriginBehavesAsBeforeAndNoneIsUnknown() {
        let alone = decide([.down])
        #expect(alone.status == .down && alone.notice == "connection refused")
        #expect(decide([.healthy]).status == .healthy)
        #expect(decide([]).status == .unknown)
        let fine = decide([.healthy, .healthy, .healthy])
        #expect(fine.status == .healthy && fine.stats.median == .milliseconds(11) && fine.timestamp == 7)
        #expect(decide([.healthy, .degraded, .healthy]).status == .degraded)
    }

    @Test func alertsHearAPartialOutageAsUp() {
        let partial = votes([.healthy, .healthy, .down])
        let verdict = Verdict.decide(partial, title: "Web", endpoint: "e", time: 1)
        #expect(Verdict.isPartialOutage(partial) && !Verdict.isPartialOutage(votes([.down, .down, .healthy])))
        let heard = Verdict.forAlerts(verdict, votes: partial)
        #expect(heard.status == .healthy && heard.notice == verdict.notice)
        #expect(Verdict.forAlerts(decide([.down, .down, .healthy]), votes: votes([.down, .down, .healthy])).status == .down)
    }

    @Test func quorumKeysRoundTripThroughTheConfig() throws {
        let json = #"{"checkers":[{"type":"http","endpoint_name":"Web","endpoint_url":"https://w.test/","quorum":1},{"type":"http","endpoint_name":"API","endpoint_url":"https://a.test/"}],"timestamp":"0001-01-01T00:00:00Z","quorum":2,"stale_after":300000000000}"#
        let checkup = try Checkup(configData: Data(json.utf8))
        #expect(checkup.quorum == 2 && checkup.quorums == ["Web": 1] && checkup.staleAfter == .seconds(300))
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect(checkup.summaries == nil)
        #expect(throws: CheckupError.self) { try Checkup(configData: Data(#"{"quorum":-1}"#.utf8)) }
    }
}

/// Flaky results in the verdict series: a place that passed only on a retry makes the verdict flaky.
@Suite struct FlakyVerdictTests {
    @Test func aFlakyPlaceThatWasNotDownMakesTheVerdictFlaky() {
        func vote(_ origin: String, _ state: Status, flaky: Bool = false) -> Vote {
            Vote(origin: origin, state: state, rtt: 1_000_000, time: 1, reason: state == .down ? "refused" : "", flaky: flaky)
        }
        let one = Verdict.decide([vote("a", .healthy), vote("b", .healthy, flaky: true), vote("c", .healthy)], title: "W", endpoint: "e", time: 1)
        #expect(one.status == .healthy && one.flaky && one.notice == "flaky from 1 of 3 locations")
        let partial = Verdict.decide([vote("a", .down), vote("b", .healthy, flaky: true), vote("c", .healthy)], title: "W", endpoint: "e", time: 1)
        #expect(partial.status == .degraded && partial.flaky && partial.notice == "down from 1 of 3 locations (a: refused)")
        let down = Verdict.decide([vote("a", .down), vote("b", .down), vote("c", .healthy, flaky: true)], title: "W", endpoint: "e", time: 1)
        #expect(down.status == .down && !down.flaky)
        #expect(!Verdict.decide([vote("a", .healthy), vote("b", .healthy)], title: "W", endpoint: "e", time: 1).flaky)
    }

    @Test func theLatestRoundCarriesFlakyOnlyWhenTrueAndOldRoundsStillRead() throws {
        var flaky = CheckResult(title: "W", endpoint: "e", timestamp: 5, times: [Attempt(rtt: .zero, error: "x"), Attempt(rtt: .zero)])
        flaky.conclude(retriesOf: 2, flakyIsDegraded: false)
        let steady = CheckResult(title: "V", endpoint: "e", timestamp: 5, times: [Attempt(rtt: .zero)], healthy: true)
        let round = LatestRound(origin: "alpha", location: "", time: 9, results: [flaky, steady])
        let text = String(decoding: round.jsonData(), as: UTF8.self)
        #expect(text.contains(#"["W","e",0,0,"",true]"#) && text.contains(#"["V","e",0,0,""]"#), "\(text)")
        let back = try LatestRound(jsonData: round.jsonData(), name: "r")
        #expect(back == round && back.results.map(\.flaky) == [true, false])
    }

    @Test func theVerdictSeriesCountsFlakyVerdictsPerDay() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let store = FileSystemStorage(directory: dir)
        let now: Int64 = 1_790_000_000_000_000_000
        func result(flaky: Bool) -> CheckResult {
            var r = CheckResult(title: "W", endpoint: "e", timestamp: now,
                                times: flaky ? [Attempt(rtt: .zero, error: "refused"), Attempt(rtt: .zero)] : [Attempt(rtt: .zero)])
            r.conclude(retriesOf: 2, flakyIsDegraded: false)
            return r
        }
        _ = try await StatusSummaries(storage: store, origin: "beta").update(with: [result(flaky: false)], now: now)
        let alpha = StatusSummaries(storage: store, origin: "alpha")
        let round = try await alpha.update(with: [result(flaky: true)], now: now + 1_000_000)
        #expect(round.verdicts.map(\.flaky) == [true] && round.verdicts.first?.status == .healthy)
        let summary = try #require(try await alpha.load())
        let day = try #require(summary.verdicts.first?.days.last)
        #expect(day.count == 1 && day.flaky == 1 && day.healthy == 1)
    }
}
