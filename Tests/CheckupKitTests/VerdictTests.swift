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
