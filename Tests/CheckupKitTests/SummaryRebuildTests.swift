import Foundation
import Testing
@testable import CheckupKit

/// `checkup summarize`'s reading path: check files on disk, read ahead in order and added a
/// window at a time, give exactly the summary of feeding the same rounds one by one.
@Suite struct SummaryRebuildTests {
    /// 2026-11-25T12:00:00Z, in Unix milliseconds.
    let noon: Int64 = 1_795_608_000_000

    /// Three days of rounds (some with several attempts), stored as check files at pinned times.
    func storedHistory(in dir: String) throws -> (FileSystemStorage, [[CheckResult]]) {
        let storage = FileSystemStorage(directory: dir + "/checks")
        var rounds = historyResults(days: 3, end: noon - 60_000)
        for i in stride(from: 0, to: rounds.count, by: 37) {
            rounds[i][0].times.insert(Attempt(rtt: .seconds(2), error: "timed out"), at: 0)
            rounds[i][0].times.append(Attempt(rtt: .milliseconds(70), nameLookup: .milliseconds(3)))
        }
        for round in rounds { try storage.storeFile(round, at: newest(round) + 1_000_000) }
        return (storage, rounds)
    }

    func newest(_ round: [CheckResult]) -> Int64 { round.map(\.timestamp).max() ?? 0 }

    /// The summary of adding `rounds` one by one, each as of its newest result, then `now`.
    func fed(_ rounds: [[CheckResult]], now: Int64) -> StatusSummary {
        var summary = StatusSummary(origin: "a")
        for round in rounds { summary.add(round, now: newest(round)) }
        summary.add([], now: now)
        return summary
    }

    @Test func readingAheadAWindowAtATimeGivesTheSummaryOfFeedingEveryRound() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (storage, rounds) = try storedHistory(in: dir)
        #expect(rounds.count > 6 * StatusSummaries.rebuildWindow)
        let now = noon * 1_000_000
        let expected = fed(rounds, now: now)
        #expect(expected.endpoints.map(\.title) == ["API", "Web"])
        #expect(expected.endpoints.reduce(0) { $0 + $1.days.reduce(0) { $0 + $1.count } } == rounds.count * 2)
        for concurrency in [1, 3, 16] {
            let rebuilt = try await StatusSummaries(storage: storage, origin: "a").rebuild(from: storage, now: now, concurrency: concurrency)
            #expect(rebuilt == [expected], "concurrency \(concurrency)")
        }
    }

    @Test func theDirectoryNamesTheFilesAndABadOneInAWindowIsSkippedAlone() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let (storage, rounds) = try storedHistory(in: dir)
        let names = try await storage.index().keys.sorted()
        #expect(names.count == rounds.count)
        // A file gone from under the index, one cut off in the middle, one the index lacks, and
        // files that are not check files.
        try FileManager.default.removeItem(atPath: storage.path(names[5]))
        let whole = try #require(FileManager.default.contents(atPath: storage.path(names[100])))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: storage.path(names[100])))
        let late = [summaryResult("Web", at: noon - 30_000, .down)]
        let unindexed = "\(newest(late) + 1_000_000)-check.json"
        try CheckResult.checkFileData(late).write(to: URL(fileURLWithPath: storage.path(unindexed)))
        try Data("x".utf8).write(to: URL(fileURLWithPath: storage.path("README.txt")))
        try Data("[]".utf8).write(to: URL(fileURLWithPath: storage.path("1-check.json.partial")))

        let listed = try await storage.checkFileNames().sorted()
        #expect(listed == (names.filter { $0 != names[5] } + [unindexed]).sorted())
        #expect(try await storage.allCheckFiles().keys.sorted() == listed)
        let now = noon * 1_000_000
        let (rebuilt, skipped) = try await StatusSummaries(storage: storage, origin: "a").rebuildReporting(from: storage, now: now)
        #expect(skipped.map(\.name) == [names[100]])
        #expect(skipped.first?.reason.hasPrefix(storage.path(names[100]) + ": ") == true, "\(skipped)")
        let counted = rounds.indices.filter { $0 != 5 && $0 != 100 }.map { rounds[$0] } + [late]
        #expect(rebuilt == [fed(counted, now: now)])
    }
}
