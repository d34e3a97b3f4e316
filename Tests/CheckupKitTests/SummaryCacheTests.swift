import Foundation
import Testing
@testable import CheckupKit

/// A node keeps the summary it wrote last in memory instead of parsing it back; it must still
/// see every change another writer made in between.
@Suite struct SummaryCacheTests {
    let day: Int64 = 1_780_000_000_000 - 1_780_000_000_000 % 86_400_000  // a pinned UTC midnight, in ms

    @Test func roundsAfterTheFirstGiveTheSummaryAParseWouldGive() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let node = StatusSummaries(storage: storage, origin: "cached")
        var expected = StatusSummary(origin: "cached")
        for i in 0..<30 {
            let ms = day + 3_600_000 + Int64(i) * 60_000
            let round = [summaryResult("API", at: ms, i == 7 ? .down : .healthy, rtt: 40 + Int64(i)),
                         summaryResult("Web", at: ms, rtt: 90, message: i == 3 ? "Deploy <b>1</b>" : "")]
            try await node.update(with: round, now: ms * 1_000_000 + 1)
            expected.add(round, now: ms * 1_000_000 + 1)
        }
        let stored = try #require(try await node.load())
        #expect(stored == expected)
    }

    @Test func aSummaryAnotherWriterChangedIsReadAgainNotOverwritten() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let node = StatusSummaries(storage: storage, origin: "cached2")
        try await node.update(with: [summaryResult("API", at: day + 60_000)], now: (day + 60_000) * 1_000_000 + 1)
        // Another writer (`checkup summarize`, say) replaces it, with a message the node never saw.
        var other = try #require(try await node.load())
        other.add([summaryResult("API", at: day + 90_000, message: "from elsewhere")], now: (day + 90_000) * 1_000_000 + 1)
        let key = StatusSummaries.key(for: "cached2")
        let current = try #require(try await storage.readSummaryObject(key))
        #expect(try await storage.writeSummaryObject(key, other.jsonData(), ifMatching: current.tag))
        try await node.update(with: [summaryResult("API", at: day + 120_000)], now: (day + 120_000) * 1_000_000 + 1)
        let stored = try #require(try await node.load())
        #expect(stored.messages.map(\.text) == ["from elsewhere"])
        #expect(stored.endpoints.first?.recent.reduce(0) { $0 + $1.count } == 3)
    }

    @Test func aHitNeedsTheSameBytesAndTakesTheSummaryOut() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let node = StatusSummaries(storage: storage, origin: "cached3")
        try await node.update(with: [summaryResult("API", at: day + 60_000)], now: (day + 60_000) * 1_000_000 + 1)
        let key = StatusSummaries.key(for: "cached3")
        let stored = try #require(try await storage.readSummaryObject(key)).data
        // One byte changed, the length the same: not the bytes this process wrote.
        var changed = stored
        let at = try #require(changed.firstIndex(of: UInt8(ascii: "A")))
        changed[at] = UInt8(ascii: "B")
        #expect(SummaryCache.shared.take(key, changed) == nil)
        #expect(SummaryCache.shared.take(key, stored) == (try StatusSummary(jsonData: stored, name: key)))
        #expect(SummaryCache.shared.take(key, stored) == nil)  // taken: the next update parses it
    }
}
