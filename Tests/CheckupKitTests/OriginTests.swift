import Foundation
import Testing
@testable import CheckupKit

/// Every result knows the node that made it; summaries are rebuilt per origin.
@Suite struct OriginTests {
    struct Up: Checker {
        let name: String
        func check() async throws -> CheckResult { var r = CheckResult(title: name, healthy: true); r.conclude(); return r }
    }

    @Test func resultsCarryTheirOriginAfterTheOriginalsKeysAndTheOriginalsFilesStayAsTheyWere() throws {
        var result = CheckResult(title: "Web", endpoint: "https://w.test/", timestamp: 1_472_688_000_000_000_000,
                                 times: [Attempt(rtt: .milliseconds(5))], healthy: true, message: "hi")
        let original = String(decoding: CheckResult.checkFileData([result]), as: UTF8.self)
        #expect(!original.contains("origin"))
        result.origin = "frankfurt-1"
        let text = String(decoding: CheckResult.checkFileData([result]), as: UTF8.self)
        #expect(text == original.replacingOccurrences(of: #""message":"hi"}]"#, with: #""message":"hi","origin":"frankfurt-1"}]"#))
        #expect(try CheckResult.decodeCheckFile(Data(text.utf8)) == [result])
    }

    @Test func checkingAndStoringStampThisNodesOrigin() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        var checkup = Checkup(checkers: [Up(name: "a"), Up(name: "b")], storage: storage)
        checkup.origin = "berlin"
        #expect(try await checkup.check().map(\.origin) == ["berlin", "berlin"])
        // A result handed to store() without an origin gets this node's; one with an origin keeps it.
        var foreign = CheckResult(title: "c", healthy: true)
        foreign.origin = "paris"
        try await checkup.store([CheckResult(title: "d", healthy: true), foreign])
        let name = try #require(try await storage.index().keys.first)
        #expect(try await storage.fetch(name).map(\.origin) == ["berlin", "paris"])
        // No configured origin: the host name, cleaned for keys.
        #expect(Checkup(checkers: []).resolvedOrigin == StatusSummaries.origin(""))
    }

    @Test func locationRoundTripsThroughTheConfigAndTheSummary() throws {
        let json = #"{"timestamp":"0001-01-01T00:00:00Z","origin":"fra-1","location":"Frankfurt"}"#
        let checkup = try Checkup(configData: Data(json.utf8))
        #expect(checkup.origin == "fra-1" && checkup.location == "Frankfurt")
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        var summary = StatusSummary(origin: "fra-1")
        summary.location = "Frankfurt"
        let data = summary.jsonData()
        #expect(String(decoding: data, as: UTF8.self).contains(#""origin":"fra-1","location":"Frankfurt""#))
        #expect(try StatusSummary(jsonData: data, name: "s") == summary)
        #expect(!String(decoding: StatusSummary(origin: "x").jsonData(), as: UTF8.self).contains("location"))
    }

    @Test func summarizeCountsOriginlessResultsForThisNodeAndKeepsSummariesItDidNotRebuild() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let now = CheckResult.now() / 1_000_000
        var tokyo = summaryResult("Web", at: now - 120_000)
        tokyo.origin = "tokyo"
        try storage.storeFile([summaryResult("Web", at: now - 180_000)])   // the original's: no origin
        try storage.storeFile([tokyo])
        try storage.storeFile([summaryResult("Web", at: now - 60_000, .down)])
        // A node that has a summary but no check file here (its files expired, say) keeps it.
        var lima = StatusSummary(origin: "lima", rebuildingFrom: [summaryResult("API", at: now - 30_000)], now: now * 1_000_000)
        lima.location = "Lima"
        try await StatusSummaries(storage: storage, origin: "lima", location: "Lima").update(with: [summaryResult("API", at: now - 30_000)], now: now * 1_000_000)
        // Tokyo's location survives the rebuild.
        try await StatusSummaries(storage: storage, origin: "tokyo", location: "Tokyo").update(with: [], now: now * 1_000_000)

        let here = StatusSummaries(storage: storage, origin: "home", location: "Home")
        let rebuilt = try await here.rebuild(from: storage, now: now * 1_000_000)
        #expect(rebuilt.map(\.origin) == ["home", "tokyo"])
        #expect(rebuilt.map(\.location) == ["Home", "Tokyo"])
        #expect(rebuilt[0].endpoints.first?.recent.map(\.state) == [.healthy, .down])
        #expect(rebuilt[1].endpoints.first?.recent.count == 1)
        #expect(try await here.origins() == ["home", "lima", "tokyo"])
        var stored = try #require(try await StatusSummaries(storage: storage, origin: "lima").load())
        stored.updated = lima.updated
        #expect(stored == lima)
    }
}
