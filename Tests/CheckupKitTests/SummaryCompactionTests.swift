import Foundation
import Testing
@testable import CheckupKit

/// A node checking every second must not grow its summary by a point a second: results older
/// than ten minutes are folded per minute and state, and those older than an hour per quarter
/// hour, with every count kept; after a day they leave `recent`, and the day rollups keep them.
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
        // The last add is at 02:59:59 (+1 ms): quarters before 01:45, minutes before 02:49, then raw.
        let quarter = start + 45 * 60_000, minute = start + 109 * 60_000
        let quarters = web.recent.filter { $0.time < quarter }, minutes = web.recent.filter { $0.time >= quarter && $0.time < minute }
        let raw = web.recent.filter { $0.time >= minute }
        // 01:00, 01:15 and 01:30 (the down minute, then healthy again): four points for 2,700 results.
        #expect(quarters.map(\.count) == [900, 900, 60, 840])
        #expect(quarters.map(\.state) == [.healthy, .healthy, .down, .healthy])
        #expect(minutes.count == 64 && minutes.allSatisfy { $0.count == 60 })
        #expect(minutes.filter { $0.state == .degraded }.count == 1)
        #expect(raw.count == 660 && raw.allSatisfy { $0.count == 1 })
        #expect(web.recent.reduce(0) { $0 + $1.count } == 7_200)
        let day = try #require(web.days.first)
        #expect(web.days.count == 1 && day.count == 7_200 && day.down == 60 && day.degraded == 60 && day.healthy == 7_080)
        // The RTT figures still come from every healthy result: 40…59 ms evenly.
        #expect(day.min == 40_000_000 && day.max == 59_000_000)
        #expect(abs(day.median - 49_500_000) <= 49_500_000 / 128 && abs(day.p95 - 58_000_000) <= 58_000_000 / 128)
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
