import Foundation
import Testing
import CheckupKit  // only the public API, as a user of the library sees it

// README-EXAMPLE-BEGIN
/// A checker of your own: is there enough free disk space?
struct DiskSpaceChecker: Checker {
    var name: String
    var path: String
    var minimumFreeBytes: UInt64

    func check() async throws -> CheckResult {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = statvfs()
        let ok = statvfs(path, &stats) == 0
        let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
        var attempt = Attempt(rtt: clock.now - start)
        if !ok {
            attempt.error = "cannot read \(path)"
        } else if free < minimumFreeBytes {
            attempt.error = "only \(free / 1_000_000) MB free"
        }
        var result = CheckResult(title: name, endpoint: "file://\(path)", times: [attempt])
        result.conclude()  // any attempt error → down; else healthy
        return result
    }
}

/// A storage of your own: keep the last rounds in memory.
actor MemoryStore: Storage {
    private(set) var rounds: [[CheckResult]] = []
    func store(_ results: [CheckResult]) async throws { rounds.append(results) }
}

func runExample(websiteURL: String, directory: String) async throws -> [CheckResult] {
    let checkup = Checkup(
        checkers: [
            HTTPChecker(name: "Website", url: websiteURL, attempts: 3),
            DiskSpaceChecker(name: "Disk", path: "/", minimumFreeBytes: 1_000_000),
        ],
        storage: FileSystemStorage(directory: directory, checkExpiry: .seconds(7 * 24 * 3600)))

    // One round: check, store a <nanos>-check.json file, expire old ones.
    let results = try await checkup.checkAndStore()
    for result in results {
        print(result)  // the same text the `checkup` command prints
    }

    // The same checkers into your own storage, every 10 minutes, until stopped.
    var custom = checkup
    let memory = MemoryStore()
    custom.storage = memory
    let schedule = custom.checkAndStoreEvery(.seconds(600))
    try await Task.sleep(for: .milliseconds(200))
    schedule.stop()
    await schedule.wait()
    print("kept \(await memory.rounds.count) round(s) in memory")

    // Attach a message to a result and store it, like `checkup message`.
    var withMessage = try await checkup.check()
    withMessage[0].message = "Deploying v2; expect a short blip"
    try await checkup.storage?.store(withMessage)
    return withMessage
}
// README-EXAMPLE-END

@Suite struct ReadmeExampleTests {
    @Test func readmeExampleRunsAgainstALocalServer() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let results = try await runExample(websiteURL: peerURL("/"), directory: dir)
        #expect(results.map(\.title) == ["Website", "Disk"])
        #expect(results[0].status == .healthy && results[0].times.count == 3)
        #expect(results[1].status == .healthy)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix("-check.json") }
        #expect(files.count == 2)
    }

    @Test func readmeShowsExactlyTheCodeThisTestRuns() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try #require(source.range(of: "// README-EXAMPLE-BEGIN\n"))
        let end = try #require(source.range(of: "// README-EXAMPLE-END"))
        let code = String(source[begin.upperBound..<end.lowerBound])
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("```swift\nimport CheckupKit\nimport Foundation\n\n" + code + "```"))
    }
}
