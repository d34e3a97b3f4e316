import Foundation
import Testing
@testable import CheckupKit

/// A concluded result at `ms` (Unix milliseconds): `state` decides the attempts.
func summaryResult(_ title: String, at ms: Int64, _ state: Status = .healthy, rtt: Int64 = 50,
                   message: String = "", phases: Bool = false) -> CheckResult {
    var attempt = Attempt(rtt: .milliseconds(rtt), error: state == .down ? "response status 503 Service Unavailable" : nil)
    if phases {
        attempt.nameLookup = .milliseconds(1)
        attempt.connect = .milliseconds(2)
        attempt.tlsHandshake = .milliseconds(5)
        attempt.firstByte = .milliseconds(rtt - 8)
    }
    var result = CheckResult(title: title, endpoint: "https://\(title.lowercased()).example.test/", timestamp: ms * 1_000_000,
                             times: [attempt])
    if state == .degraded { result.threshold = .milliseconds(rtt - 1) }
    result.conclude()
    result.message = message
    return result
}

/// Results every 10 minutes for `days` days up to `end` (ms): "Web" healthy with a down hour
/// each day, "API" degraded every 7th result, and a message each day.
func historyResults(days: Int, end: Int64) -> [[CheckResult]] {
    let step: Int64 = 600_000
    let count = Int64(days) * 144
    return (0..<count).map { i -> [CheckResult] in
        let t = end - (count - 1 - i) * step
        let web: Status = i % 144 < 6 ? .down : .healthy
        let api: Status = i % 7 == 0 ? .degraded : .healthy
        return [summaryResult("Web", at: t, web, rtt: 40 + i % 13, phases: true),
                { () -> CheckResult in
                    var r = summaryResult("API", at: t, api, rtt: 90 + i % 29, message: i % 144 == 100 ? "Deploy <b>\(i)</b>" : "")
                    if r.threshold == .zero { r.threshold = .milliseconds(150) }  // after conclude(): the state stays
                    return r
                }()]
    }
}

@Suite struct StatusSummaryTests {
    let day: Int64 = 86_400_000
    // 2026-11-25T12:00:00Z
    let noon: Int64 = 1_795_608_000_000

    @Test func dayRollupsHaveExactCountsAndExtremesAndQuantilesWithinAHistogramBin() throws {
        let start = noon - 12 * 3_600_000  // midnight
        var results: [CheckResult] = []
        for i in 0..<20 { results.append(summaryResult("Web", at: start + Int64(i) * 60_000, rtt: Int64(i + 1) * 10)) }
        results.append(summaryResult("Web", at: start + 21 * 60_000, .down, rtt: 5000))
        results.append(summaryResult("Web", at: start + 22 * 60_000, .degraded, rtt: 300))
        let summary = StatusSummary(origin: "a", rebuildingFrom: results, now: noon * 1_000_000)
        let web = try #require(summary.endpoints.first)
        let days = web.days
        #expect(days.count == 1)
        let d = days[0]
        #expect(d.key == "2026-11-25")
        #expect((d.count, d.healthy, d.degraded, d.down, d.unknown) == (22, 20, 1, 1, 0))
        // Not-down RTTs: 10…200 ms and 300 ms (21 values); median the 11th, p95 the 20th, each
        // within 1/128 (the histogram's bin), the extremes exact.
        #expect(d.min == 10_000_000 && d.max == 300_000_000)
        #expect(abs(d.median - 110_000_000) <= 110_000_000 / 128)
        #expect(abs(d.p95 - 200_000_000) <= 200_000_000 / 128)
        // Events: first result (healthy), down, degraded.
        #expect(web.events.map(\.state) == [.healthy, .down, .degraded])
        #expect(web.events[1].reason == "response status 503 Service Unavailable")
        #expect(web.last?.state == .degraded)
    }

    @Test func feedingRoundsOneByOneGivesExactlyTheRebuiltSummary() throws {
        let rounds = historyResults(days: 5, end: noon)
        var incremental = StatusSummary(origin: "node-a")
        for round in rounds {
            // `now` is each round's own time, so days roll up as they finish.
            incremental.add(round, now: round[0].timestamp + 1_000_000_000)
        }
        let now = noon * 1_000_000 + 1_000_000_000
        let rebuilt = StatusSummary(origin: "node-a", rebuildingFrom: rounds.flatMap { $0 }.shuffled(), now: now)
        #expect(incremental == rebuilt)
        // Three finished days were rolled up; yesterday and today stay at full resolution.
        let web = try #require(rebuilt.endpoints.first { $0.title == "Web" })
        #expect(web.frozen.count >= 3)
        #expect(web.recent.first.map { $0.time >= noon - 36 * 3_600_000 } == true)
        #expect(web.days.reduce(0) { $0 + $1.count } == 5 * 144)
        #expect(web.days.reduce(0) { $0 + $1.down } == 5 * 6)
        #expect(rebuilt.messages.count == 5)
        #expect(rebuilt.messages.allSatisfy { $0.title == "API" && $0.text.hasPrefix("Deploy <b>") })
        #expect(web.recent.last?.lookup == 1_000_000 && web.recent.last?.tls == 5_000_000)
    }

    @Test func jsonRoundTripsAndKeepsTheDocumentedShape() throws {
        let rounds = historyResults(days: 3, end: noon)
        let summary = StatusSummary(origin: "node-a", rebuildingFrom: rounds.flatMap { $0 }, now: noon * 1_000_000)
        let data = summary.jsonData()
        let back = try StatusSummary(jsonData: data, name: "x")
        #expect(back.endpoints.map(\.frozen) == summary.endpoints.map(\.frozen))
        #expect(back.endpoints.map(\.recent) == summary.endpoints.map(\.recent))
        #expect(back.endpoints.map(\.events) == summary.endpoints.map(\.events))
        #expect(back == summary)
        // Written byte by byte with Go's escaping, and read the fast way or the lenient way, the
        // same summary.
        #expect(String(decoding: data, as: UTF8.self).contains(#""Deploy \u003cb\u003e"#))
        #expect(try StatusSummary(leniently: data, name: "x") == summary)
        #expect(StatusSummary.decodeTypical(data) == summary)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"version":1,"origin":"node-a","updated":"#))
        #expect(text.contains(#""endpoints":[{"title":"API","endpoint":"https://api.example.test/","threshold":"#))
        let top = try #require(try JSONValue.parse(data).objectValue)
        let api = try #require(top["endpoints"]?.arrayValue?.first?.objectValue)
        #expect(Set(api.keys) == ["title", "endpoint", "threshold", "last", "recent", "days", "open", "events"])
        #expect(api["title"] == .string("API"))
        #expect(api["recent"]?.arrayValue?.first?.arrayValue?.count == 7)
        #expect(api["days"]?.arrayValue?.first?.arrayValue?.count == 10)
        #expect(api["days"]?.arrayValue?.map { $0.arrayValue?.first } == ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"].map { .string($0) })
        #expect(top["messages"]?.arrayValue?.first?.arrayValue?.count == 4)
    }

    @Test func malformedSummariesAreOneLineErrorsNamingTheKey() {
        for (text, fragment) in [("[]", "is not a JSON object"), (#"{"version":2}"#, "version: expected 1"),
                                 (#"{"version":1,"origin":"a","updated":1,"endpoints":[{"title":"x","endpoint":"y","recent":[[1,9,0,null,null,null,null]]}]}"#,
                                  "endpoints[0].recent[0]: expected a state 0–3")] {
            #expect(throws: CheckupError.self) { try StatusSummary(jsonData: Data(text.utf8), name: "summaries/a.json") }
            do {
                _ = try StatusSummary(jsonData: Data(text.utf8), name: "summaries/a.json")
            } catch {
                #expect(error.message.hasPrefix("summaries/a.json: ") && error.message.contains(fragment), "\(error.message)")
            }
        }
    }

    @Test func oldDataAgesOutAfterTheRetention() {
        let old = summaryResult("Gone", at: noon - 101 * day, .down, message: "long ago")
        let kept = summaryResult("Web", at: noon - 99 * day)
        let summary = StatusSummary(origin: "a", rebuildingFrom: [old, kept], now: noon * 1_000_000)
        #expect(summary.endpoints.map(\.title) == ["Web"])
        #expect(summary.messages.isEmpty)
        #expect(summary.endpoints[0].days.count == 1 && summary.endpoints[0].recent.isEmpty)
    }

    @Test func originsAreSafeKeys() {
        #expect(StatusSummaries.origin("eu-west/1 a") == "eu-west-1-a")
        #expect(StatusSummaries.origin("..") == "node")
        #expect(!StatusSummaries.origin("").isEmpty)
        #expect(throws: CheckupError.self) { try SummaryKey.check("summaries/../index.json") }
        #expect(throws: CheckupError.self) { try SummaryKey.check("123-check.json") }
        #expect((try? SummaryKey.check("summaries/node-a.json")) != nil)
    }

    @Test func exportWritesThePageWithAnAnonymousStorageURL() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let page = repositoryRoot.appendingPathComponent("statuspage").path
        let s3 = S3Storage(accessKeyID: "AKIDSECRETISH", secretAccessKey: "very-secret", region: "eu-west-1", bucket: "status")
        let export = try StatusPageExport(pageDirectory: page, storage: s3, outputDirectory: dir + "/site")
        #expect(export.storageURL == "https://status.s3.eu-west-1.amazonaws.com/")
        let files = try export.write(to: dir + "/site")
        #expect(files.contains("index.html") && files.contains("js/statuspage.js") && files.contains("js/config.js"))
        #expect(!files.contains { $0.hasSuffix(".md") })
        let config = try String(contentsOfFile: dir + "/site/js/config.js", encoding: .utf8)
        #expect(config.contains(#"url: "https://status.s3.eu-west-1.amazonaws.com/""#) && config.contains("type: 's3'"))
        #expect(!config.contains("AKIDSECRETISH") && !config.contains("very-secret"))
        #expect(config.contains("title: 'Status'") && config.contains("refresh_interval: 60"))
        // The page's own settings are kept; only storage is filled in.
        let custom = "checkup.config = {\n  title: 'Acme \\'status\\'',\n  storage: {\n    type: 'fs',\n    url: '/'\n  },\n  refresh_interval: 30\n};\n"
        #expect(try export.configScript(template: custom) == "checkup.config = {\n  title: 'Acme \\'status\\'',\n  storage: {\n    type: 's3',\n    url: \"https://status.s3.eu-west-1.amazonaws.com/\"\n  },\n  refresh_interval: 30\n};\n")
        #expect(throws: CheckupError.self) { try export.configScript(template: "checkup.config = {};") }
        let dotted = try StatusPageExport(pageDirectory: page, storage: S3Storage(bucket: "status.example.com"), outputDirectory: dir)
        #expect(dotted.storageURL == "https://s3.amazonaws.com/status.example.com/")
        let moto = try StatusPageExport(pageDirectory: page, storage: S3Storage(bucket: "b", endpoint: "http://127.0.0.1:9/"), outputDirectory: dir)
        #expect(moto.storageURL == "http://127.0.0.1:9/b/")
        let fs = try StatusPageExport(pageDirectory: page, storage: FileSystemStorage(directory: dir + "/data/checks"),
                                      outputDirectory: dir + "/site")
        #expect(fs.storageURL == "../data/checks/")
        let served = try StatusPageExport(pageDirectory: page, storage: FileSystemStorage(directory: dir, url: "/checks/"),
                                          outputDirectory: dir + "/site")
        #expect(served.storageURL == "/checks/")
    }
}

/// Summaries in real stores: a directory shared by processes and a moto bucket.
@Suite(.serialized, .timeLimit(.minutes(3))) struct StatusSummaryStorageTests {
    func merged(_ summaries: [StatusSummary]) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for summary in summaries {
            for e in summary.endpoints {
                for d in e.days {
                    out[e.title, default: [:]][d.key, default: 0] += d.count
                }
            }
        }
        return out
    }

    func concurrentWritersLoseNothing(_ storage: any SummaryStorage & StorageReader & Storage) async throws {
        let rounds = historyResults(days: 1, end: CheckResult.now() / 1_000_000).suffix(24)
        // Two nodes, plus two processes of node-a racing on the same summary object.
        let writers = [("node-a", 0), ("node-b", 1), ("node-a", 2)]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (origin, lane) in writers {
                group.addTask {
                    let checkup = Checkup(checkers: [], storage: storage)
                    var named = checkup
                    named.origin = origin
                    for (i, round) in rounds.enumerated() where i % 3 == lane {
                        try await named.store(round)
                    }
                }
            }
            try await group.waitForAll()
        }
        let a = StatusSummaries(storage: storage, origin: "node-a"), b = StatusSummaries(storage: storage, origin: "node-b")
        #expect(try await a.origins() == ["node-a", "node-b"])
        let sa = try #require(try await a.load()), sb = try #require(try await b.load())
        let counted = merged([sa, sb])
        #expect(counted.values.map { $0.values.reduce(0, +) }.sorted() == [24, 24])
        // Every result of the last four hours in `recent` (those older than an hour folded per quarter).
        #expect(sa.endpoints.first { $0.title == "Web" }?.recent.reduce(0) { $0 + $1.count } == 16)
        #expect(sb.endpoints.first { $0.title == "Web" }?.recent.reduce(0) { $0 + $1.count } == 8)
        #expect(try await storage.index().count == 24)

        // Every result carries its origin: rebuilding from the check files gives each node's own.
        let rebuilt = try await a.rebuild(from: storage)
        #expect(rebuilt.map(\.origin) == ["node-a", "node-b"])
        #expect(merged(rebuilt) == counted)
        #expect(try await a.origins() == ["node-a", "node-b"])
        let now = CheckResult.now()
        for (summary, lanes) in zip(rebuilt, [[0, 2], [1]]) {
            let theirs = rounds.enumerated().filter { lanes.contains($0.offset % 3) }.flatMap { $0.element }
            var expected = StatusSummary(origin: summary.origin, rebuildingFrom: theirs, now: now)
            expected.updated = summary.updated
            // The verdicts (each node's view at its rounds) cannot come from check files: kept.
            #expect(!summary.verdicts.isEmpty, "\(summary.origin)")
            expected.verdicts = summary.verdicts
            #expect(summary == expected, "\(summary.origin)")
        }
        #expect(try await b.load() == rebuilt[1])
    }

    @Test func fsWritersOnOneDirectoryLoseNothingAndRebuildAgrees() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await concurrentWritersLoseNothing(FileSystemStorage(directory: dir + "/checks"))
    }

    @Test func s3WritersOnOneBucketLoseNothingAndRebuildAgrees() async throws {
        try await concurrentWritersLoseNothing(try await s3Peer.bucket())
    }

    @Test func rebuildingAWindowAtATimeGivesTheSummaryOfEverything() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now()
        let rounds = historyResults(days: 3, end: now / 1_000_000 - 60_000)
        for round in rounds { try storage.storeFile(round) }  // 432 files: two windows
        #expect(rounds.count > StatusSummaries.rebuildWindow)
        let rebuilt = try await StatusSummaries(storage: storage, origin: "a").rebuild(from: storage, now: now)
        #expect(rebuilt == [StatusSummary(origin: "a", rebuildingFrom: Array(rounds.joined()), now: now)])
    }

    @Test func rebuildSkipsAndNamesABadFileAndReadsFilesTheIndexLacks() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now()
        let rounds = historyResults(days: 1, end: now / 1_000_000 - 60_000).prefix(4)
        var names: [String] = []
        for round in rounds.prefix(3) { names.append(try storage.storeFile(round)) }
        // One file the index never heard of, and one cut off in the middle.
        let stamp = rounds.last!.map(\.timestamp).max()!
        let unindexed = "\(stamp)-check.json"
        try CheckResult.checkFileData(Array(rounds.last!)).write(to: URL(fileURLWithPath: dir + "/checks/" + unindexed))
        #expect(try await storage.index()[unindexed] == nil)
        let whole = try #require(FileManager.default.contents(atPath: dir + "/checks/" + names[1]))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir + "/checks/" + names[1]))

        let (rebuilt, skipped) = try await StatusSummaries(storage: storage, origin: "a").rebuildReporting(from: storage, now: now)
        #expect(skipped.map(\.name) == [names[1]])
        #expect(skipped.first?.reason.hasPrefix(dir + "/checks/" + names[1] + ": ") == true, "\(skipped)")
        let counted = [rounds[rounds.startIndex], rounds[rounds.startIndex + 2], rounds[rounds.startIndex + 3]]
        #expect(rebuilt == [StatusSummary(origin: "a", rebuildingFrom: Array(counted.joined()), now: now)])
    }

    @Test(arguments: ["501", "412"])
    func aStoreWithoutConditionalWritesStillGetsEveryRoundAndSummary(mode: String) async throws {
        // moto behind a proxy that answers every conditional PutObject with 501 NotImplemented,
        // or always 412, as S3-compatible stores without conditional writes do.
        let moto = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3d.py").path, "--no-auth"]) }
        guard case .int(let motoPort)? = try JSONValue.parse(Data(moto.banner.utf8)).objectValue?["port"] else {
            throw CheckupError(.service, "s3d.py said: \(moto.banner)")
        }
        let proxy = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3proxy.py").path,
                                                                   String(motoPort), mode]) }
        let storage = S3Storage(accessKeyID: "AKIDTEST", secretAccessKey: "secret", region: "us-east-1",
                                bucket: "plain-\(mode)", endpoint: "http://127.0.0.1:\(proxy.port)")
        try await storage.client().createBucket()
        var checkup = Checkup(checkers: [], storage: storage)
        checkup.origin = "east"
        let log = Mutex2<[String]>([])
        checkup.log = LogSink { line in log.set(log.get() + [line]) }
        let now = CheckResult.now() / 1_000_000
        for i in 0..<3 { try await checkup.store([summaryResult("Web", at: now - Int64(3 - i) * 60_000)]) }
        #expect(log.get().isEmpty, "\(log.get())")
        #expect(try await storage.index().count == 3)
        let summary = try #require(try await StatusSummaries(storage: storage, origin: "east").load())
        #expect(summary.endpoints.first?.recent.count == 3)
        #expect(try await StatusSummaries(storage: storage, origin: "east").origins() == ["east"])
        withExtendedLifetime((moto, proxy)) {}
    }

    @Test func s3ConditionalWritesRefuseAStaleVersion() async throws {
        let bucket = try await s3Peer.bucket()
        let key = "summaries/x.json"
        #expect(try await bucket.writeSummaryObject(key, Data("1".utf8), ifMatching: nil))
        #expect(try await !bucket.writeSummaryObject(key, Data("2".utf8), ifMatching: nil))
        let (data, tag) = try #require(try await bucket.readSummaryObject(key))
        #expect(data == Data("1".utf8))
        #expect(try await bucket.writeSummaryObject(key, Data("3".utf8), ifMatching: tag))
        #expect(try await !bucket.writeSummaryObject(key, Data("4".utf8), ifMatching: tag))
        #expect(try await bucket.readSummaryObject(key)?.data == Data("3".utf8))
        #expect(try await bucket.readSummaryObject("summaries/none.json") == nil)
    }

    @Test func aBrokenSummaryNeverStopsStoringAndSummarizeRepairsIt() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try #"{"checkers":[{"type":"exec","name":"ok","command":"true"}],"storage":{"type":"fs","dir":"checks"},"origin":"east"}"#
            .write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        #expect(try await offPool { try runCLI(["--store"], in: dir) }.status == 0)
        try "garbage{".write(toFile: dir + "/checks/summaries/east.json", atomically: true, encoding: .utf8)
        let run = try await offPool { try runCLI(["--store"], in: dir) }
        #expect(run.status == 0)
        #expect(checkFiles(dir + "/checks").count == 2)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasSuffix(
            "ERROR updating the status summary: summaries/east.json: is not JSON: invalid JSON: invalid value at line 1, column 1 (`checkup summarize` rebuilds it from the check files)"),
            "\(run.stderr)")
        #expect(try await offPool { try runCLI(["summarize"], in: dir) }.status == 0)
        let data = try #require(FileManager.default.contents(atPath: dir + "/checks/summaries/east.json"))
        #expect(try StatusSummary(jsonData: data, name: "east").endpoints.first?.recent.count == 2)
    }

    @Test func processesStoringAtOnceKeepEveryResultInTheirSummaries() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        for origin in ["east", "west"] {
            try #"{"checkers":[{"type":"exec","name":"ok","command":"true"}],"storage":{"type":"fs","dir":"\#(dir)/checks"},"origin":"\#(origin)"}"#
                .write(toFile: "\(dir)/\(origin).json", atomically: true, encoding: .utf8)
        }
        var processes: [Process] = []
        for i in 0..<10 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: checkupBinary)
            p.arguments = ["--store", "-c", i % 2 == 0 ? "east.json" : "west.json"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            try p.run()
            processes.append(p)
        }
        let started = processes
        try await offPool { started.forEach { $0.waitUntilExit() } }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let manifest = try JSONValue.parse(try #require(FileManager.default.contents(atPath: dir + "/checks/summaries/index.json")))
        #expect(manifest.objectValue?["origins"] == .array([.string("east"), .string("west")]))
        for origin in ["east", "west"] {
            let data = try #require(FileManager.default.contents(atPath: "\(dir)/checks/summaries/\(origin).json"))
            let summary = try StatusSummary(jsonData: data, name: origin)
            #expect(summary.endpoints.first?.recent.count == 5, "\(origin)")
        }
        // Every stored result carries its origin, so `checkup summarize` rebuilds each node's own.
        for name in checkFiles(dir + "/checks") {
            let results = try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: "\(dir)/checks/\(name)")))
            #expect(results.count == 1 && ["east", "west"].contains(results[0].origin), "\(name)")
        }
        let run = try await offPool { try runCLI(["summarize", "-c", "east.json"], in: dir) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "Rebuilt summaries/east.json: 1 endpoint, 5 results in the last 100 days\n"
            + "Rebuilt summaries/west.json: 1 endpoint, 5 results in the last 100 days\n")
        for origin in ["east", "west"] {
            let data = try #require(FileManager.default.contents(atPath: "\(dir)/checks/summaries/\(origin).json"))
            #expect(try StatusSummary(jsonData: data, name: origin).endpoints.first?.recent.count == 5, "\(origin)")
        }
    }
}
