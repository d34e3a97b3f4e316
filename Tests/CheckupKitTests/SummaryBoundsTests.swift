import Foundation
import Testing
@testable import CheckupKit

/// A summary's size is bounded by its tiers, not by how long or how often a node checks; the day
/// rollups come from tallies with a histogram, exact in counts and extremes.
@Suite struct SummaryBoundsTests {
    // 2026-11-25T00:00:00Z
    let midnight: Int64 = 1_795_564_800_000

    /// A small deterministic generator, so the "random" RTTs are the same in every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func aNodeCheckingEveryThirtySecondsForSixtyHoursKeepsABoundedSummary() throws {
        var rng = SplitMix(state: 7)
        var summary = StatusSummary(origin: "a")
        var sizes: [Int: Int] = [:]
        let rounds = 60 * 120
        for i in 0..<rounds {
            let t = midnight + Int64(i) * 30_000
            let down = i % 500 < 3
            let round = ["Web", "API"].map { summaryResult($0, at: t, down ? .down : .healthy, rtt: Int64.random(in: 20...80, using: &rng)) }
            summary.add(round, now: (t + 1) * 1_000_000)
            if i == 36 * 120 || i == rounds - 1 { sizes[i] = summary.jsonData().count }
        }
        let web = try #require(summary.endpoints.first { $0.title == "Web" })
        // 20 raw points, 50 minutes, 96 quarters and the state changes among them.
        #expect(web.recent.count <= 20 + 50 + 96 + 3 * 12)
        let newest = midnight + Int64(rounds - 1) * 30_000
        #expect(web.recent.first.map { $0.time >= newest - 24 * 3_600_000 - 900_000 } == true)
        #expect(web.recent.reduce(0) { $0 + $1.count } >= 24 * 120)
        #expect(web.days.map(\.key) == ["2026-11-25", "2026-11-26", "2026-11-27"])
        #expect(web.days.reduce(0) { $0 + $1.count } == rounds && web.days.reduce(0) { $0 + $1.down } == 15 * 3)
        // After 36 hours and after 60: the same size but for a day row each, the ten state changes
        // of those 24 hours (about 40 bytes each) and the points they split; about 12 KB an endpoint
        // (kept one point a result, those 24 hours would add 140 KB an endpoint).
        let early = try #require(sizes[36 * 120]), late = try #require(sizes[rounds - 1])
        #expect(late < early + 2 * 2_000, "\(early) → \(late) bytes")
        #expect(late < 26_000, "\(late) bytes for two endpoints")
        // Rounds one by one, or every result at once: the same summary.
        var results: [CheckResult] = []
        rng = SplitMix(state: 7)
        for i in 0..<rounds {
            let t = midnight + Int64(i) * 30_000, down = i % 500 < 3
            results += ["Web", "API"].map { summaryResult($0, at: t, down ? .down : .healthy, rtt: Int64.random(in: 20...80, using: &rng)) }
        }
        #expect(StatusSummary(origin: "a", rebuildingFrom: results.shuffled(), now: (newest + 1) * 1_000_000) == summary)
        #expect(try StatusSummary(jsonData: summary.jsonData(), name: "x") == summary)
    }

    @Test func aSummaryWrittenBeforeTheTalliesHasItsOpenDaysCountedFromRecent() throws {
        // As a writer before the tallies wrote it: `recent` since the start of yesterday, a stale
        // row for today in `days` (recomputed from `recent`), a finished day kept as it is.
        let today = midnight + 86_400_000
        let text = """
        {"version":1,"origin":"a","updated":\(today + 3_600_000),"endpoints":[{"title":"Web","endpoint":"https://web/","threshold":0,\
        "last":[\(today + 60_000),2,0],"recent":[[\(midnight + 60_000),0,40000000,null,null,null,null,5],\
        [\(today),0,60000000,null,null,null,null],[\(today + 60_000),2,0,null,null,null,null]],\
        "days":[["2026-11-23",144,144,0,0,0,1,2,3,4],["2026-11-26",9,9,0,0,0,1,1,1,1]],"events":[]}],"messages":[]}
        """
        let summary = try StatusSummary(jsonData: Data(text.utf8), name: "summaries/a.json")
        let days = try #require(summary.endpoints.first).days
        #expect(days.map(\.key) == ["2026-11-23", "2026-11-25", "2026-11-26"])
        #expect((days[1].count, days[1].healthy, days[1].min, days[1].max) == (5, 5, 40_000_000, 40_000_000))
        #expect((days[2].count, days[2].healthy, days[2].down, days[2].max) == (2, 1, 1, 60_000_000))
        #expect(days[0].p95 == 3)
        // Written again, it carries its tallies and reads back the same.
        #expect(try StatusSummary(jsonData: summary.jsonData(), name: "x") == summary)
    }

    @Test func malformedTalliesAreOneLineErrorsNamingTheKey() {
        let head = #"{"version":1,"origin":"a","updated":1,"endpoints":[{"title":"x","endpoint":"y","open":["#
        for (open, fragment) in [(#"["2026-11-25",3,1,1,0,0,0,5,9,[300,2]]"#, "open[0]: the counts by state do not add up to 3"),
                                 (#"["2026-11-25",2,2,0,0,0,0,5,9,[300,1]]"#, "open[0][9]: the histogram does not hold the 2"),
                                 (#"["2026-11-25",2,2,0,0,0,0,5,9,[300]]"#, "open[0][9]: expected pairs of bin and count"),
                                 (#"["2026-11-25",-1,0,0,0,0,0,5,9,[]]"#, "open[0][1]: -1 is not a count"),
                                 (#"["2026-11-25",1,1,0,0,0,0,5,9,[99999999,1]]"#, "open[0][9]: bin 99999999 × 1 is out of range")] {
            let text = head + open + "]}]}"
            do {
                _ = try StatusSummary(jsonData: Data(text.utf8), name: "summaries/a.json")
                Issue.record("accepted \(open)")
            } catch {
                #expect(error.message.hasPrefix("summaries/a.json: endpoints[0].") && error.message.contains(fragment), "\(error.message)")
            }
        }
    }

    @Test func theHistogramsQuantilesAreWithinABinOfTheExactOnesInAnyOrder() {
        var rng = SplitMix(state: 42)
        for size in [1, 2, 3, 10, 101, 1_000, 5_000] {
            let values = (0..<size).map { _ in Int64.random(in: 0...3_000_000_000, using: &rng) }
            var histogram = RTTHistogram(), shuffled = RTTHistogram(), halves = RTTHistogram(), other = RTTHistogram()
            values.forEach { histogram.add($0) }
            values.shuffled(using: &rng).forEach { shuffled.add($0) }
            values.prefix(size / 2).forEach { halves.add($0) }
            values.dropFirst(size / 2).forEach { other.add($0) }
            halves.merge(other)
            #expect(histogram == shuffled && histogram == halves && histogram.count == size)
            let sorted = values.sorted()
            for (figure, exact) in [(histogram.median, Quantile.median(ofSorted: sorted)), (histogram.nearestRank(95), Quantile.nearestRank(95, ofSorted: sorted))] {
                let (got, want) = (figure ?? -1, exact ?? 0)
                #expect(abs(got - want) <= want / 128 + 1, "\(size) values: \(got) for \(want)")
            }
        }
        for v: Int64 in [0, 1, 127, 128, 129, 255, 256, 1_000_000, 40_000_000, Int64.max] {
            let back = RTTHistogram.representative(of: RTTHistogram.bin(of: v))
            #expect(abs(back - v) <= v / 128 + 1 && RTTHistogram.bin(of: back) == RTTHistogram.bin(of: v), "\(v) → \(back)")
        }
        #expect(RTTHistogram().median == nil && RTTHistogram(pairs: [(bin: -1, count: 1)]) == nil)
    }
}
