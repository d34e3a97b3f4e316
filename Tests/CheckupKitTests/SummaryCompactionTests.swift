import Foundation
import Testing
@testable import CheckupKit

/// A node checking every second must not grow its summary by a point a second: results older
/// than ten minutes are folded per minute and state, with every count kept.
@Suite struct SummaryCompactionTests {
    /// Two hours of results a second, one endpoint, with a down minute at 00:30 and a degraded one at 01:45.
    func secondly(start: Int64) -> [CheckResult] {
        (0..<7_200).map { i -> CheckResult in
            let minute = i / 60
            let state: Status = minute == 30 ? .down : minute == 105 ? .degraded : .healthy
            return summaryResult("Web", at: start + Int64(i) * 1_000, state, rtt: 40 + Int64(i % 20))
        }
    }

    @Test func olderResultsFoldPerMinuteAndStateWithExactCounts() throws {
        let start: Int64 = 1_780_000_000_000 - 1_780_000_000_000 % 86_400_000 + 3_600_000  // 01:00 UTC of a pinned day
        let results = secondly(start: start)
        var summary = StatusSummary(origin: "a")
        for chunk in stride(from: 0, to: results.count, by: 60) {  // a round a minute, as the node would add them
            let round = Array(results[chunk..<chunk + 60])
            summary.add(round, now: round.last!.timestamp + 1_000_000)
        }
        let web = try #require(summary.endpoints.first)
        let cutoff = (results.last!.timestamp + 1_000_000) / 1_000_000 - StatusSummary.rawWindowMs  // the last add's
        let folded = web.recent.filter { $0.time < cutoff }, raw = web.recent.filter { $0.time >= cutoff }
        #expect(folded.count <= 112 && folded.allSatisfy { $0.count >= 1 })  // a point a minute (and state), not 6,600
        #expect(raw.allSatisfy { $0.count == 1 } && raw.count >= 599)
        #expect(web.recent.reduce(0) { $0 + $1.count } == 7_200)
        let day = try #require(web.days.first)
        #expect(web.days.count == 1 && day.count == 7_200 && day.down == 60 && day.degraded == 60 && day.healthy == 7_080)
        // The RTT figures still come from every healthy result: 40…59 ms evenly.
        #expect(day.min == 40_000_000 && day.max == 59_000_000)
        // Stored and read back: the same summary, the folded counts in an 8th column.
        let data = summary.jsonData()
        #expect(try StatusSummary(jsonData: data, name: "x") == summary)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(",60]"))
        // A wrong count is refused.
        let broken = text.replacingOccurrences(of: ",60]", with: ",0]")
        #expect(throws: CheckupError.self) { try StatusSummary(jsonData: Data(broken.utf8), name: "x") }
    }

    @Test func foldingIsTheSameHoweverTheResultsArrive() {
        let start: Int64 = 1_780_000_000_000
        let results = secondly(start: start)
        let now = results.last!.timestamp + 1_000_000
        let once = StatusSummary(origin: "a", rebuildingFrom: results.shuffled(), now: now)
        var rounds = StatusSummary(origin: "a")
        for chunk in stride(from: 0, to: results.count, by: 600) {
            rounds.add(Array(results[chunk..<chunk + 600]), now: now)
        }
        #expect(once.endpoints.first?.days == rounds.endpoints.first?.days)
        #expect(once.endpoints.first?.recent.reduce(0) { $0 + $1.count } == 7_200)
    }
}
