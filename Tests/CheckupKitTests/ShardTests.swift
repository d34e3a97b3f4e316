import Foundation
import Testing
@testable import CheckupKit

/// `--shard I/N`: N processes with one config check disjoint slices that together are every
/// checker, write into one store, and the node's summary and latest round hold every slice.
@Suite(.serialized) struct ShardTests {
    @Test func slicesFollowTheNameAloneAndCoverEveryCheckerOnce() throws {
        let names = (0..<1_000).map { "endpoint \($0)" }
        let slices = (1...4).map { i in names.filter { (try! Shard(parsing: "\(i)/4")).contains($0) } }  // valid by construction
        #expect(slices.map(\.count).reduce(0, +) == 1_000)
        #expect(Set(slices.joined()).count == 1_000)
        #expect(slices.allSatisfy { $0.count > 180 && $0.count < 320 }, "\(slices.map(\.count))")
        // The same name is in the same slice whatever else the list holds.
        let shard = try Shard(parsing: "3/4")
        #expect(names.filter(shard.contains) == slices[2])
        for bad in ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2", ""] {
            #expect(throws: CheckupError.self) { try Shard(parsing: bad) }
        }
    }

    @Test func twoProcessesStoreDisjointSlicesAndTheSummaryHoldsBoth() throws {
        let checkers = (0..<12).map { #"{"type":"http","endpoint_name":"E\#($0)","endpoint_url":"\#(peerURL("/"))"}"# }
        let dir = try makeProject(checkers: "[" + checkers.joined(separator: ",") + "]")
        defer { removeDirectory(dir) }
        for i in 1...2 {
            let run = try runCLI(["--store", "--shard", "\(i)/2"], in: dir)
            #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        }
        let files = checkFiles(dir + "/checks")
        #expect(files.count == 2)
        let titles = try files.map { name in
            try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: dir + "/checks/" + name))).map(\.title)
        }
        #expect(Set(titles[0]).isDisjoint(with: titles[1]))
        #expect(Set(titles.joined()) == Set((0..<12).map { "E\($0)" }))
        let origin = StatusSummaries.origin("")
        let summary = try StatusSummary(jsonData: try #require(FileManager.default.contents(atPath: dir + "/checks/summaries/\(origin).json")),
                                        name: "summary")
        #expect(summary.endpoints.count == 12)
        let latest = try LatestRound(jsonData: try #require(FileManager.default.contents(atPath: dir + "/checks/" + LatestRound.key(for: origin))),
                                     name: "latest")
        #expect(Set(latest.results.map(\.title)) == Set((0..<12).map { "E\($0)" }))

        let bad = try runCLI(["--shard", "3/2"], in: dir)
        #expect(bad.status == 2 && bad.stderr.hasPrefix("checkup: --shard: \"3/2\" needs 1 ≤ INDEX ≤ COUNT"))
        let wrongCommand = try runCLI(["summarize", "--shard", "1/2"], in: dir)
        #expect(wrongCommand.status != 0 && wrongCommand.stderr.contains("unknown flag --shard"))
    }

    @Test func aSliceKeepsOnlyTheOtherSlicesFreshResultsInItsLatestRound() {
        func result(_ title: String, at ms: Int64) -> CheckResult { summaryResult(title, at: ms) }
        let t: Int64 = 1_780_000_000_000
        var previous = LatestRound(origin: "n", location: "", time: t, results: [result("A", at: t), result("B", at: t)])
        previous.interval = 60_000
        let now = t + 60_000
        let round = LatestRound(origin: "n", location: "", time: now, results: [result("A", at: now)])
        let merged = round.keeping(freshResultsOf: previous, at: now, staleAfter: .zero)
        #expect(merged.results.map(\.title) == ["A", "B"] && merged.results[1].time == t)
        // Written and read back, the older result keeps its own time.
        #expect((try? LatestRound(jsonData: merged.jsonData(), name: "x")) == merged)
        // B's slice stopped: after three intervals its result is gone.
        let later = t + 4 * 60_000
        let stale = LatestRound(origin: "n", location: "", time: later, results: [result("A", at: later)])
        #expect(stale.keeping(freshResultsOf: merged, at: later, staleAfter: .zero).results.map(\.title) == ["A"])
    }
}
