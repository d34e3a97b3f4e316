import Foundation
import Testing
@testable import CheckupKit

/// `checkup init`: the starter config runs as it is written, and no file is ever replaced.
@Suite(.timeLimit(.minutes(2))) struct InitTests {
    @Test func initWritesAConfigThatChecksAndStoresAsItIs() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let up = peerURL("/"), alsoUp = "127.0.0.1:\(httpPeer.port)/status/204"
        let run = try runCLI(["init", up, "http://" + alsoUp], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Wrote checkup.json with 2 http checkers (127.0.0.1:\(httpPeer.port), 127.0.0.1:\(httpPeer.port)/status/204)"))
        #expect(run.stdout.contains("checkup --store") && run.stdout.contains("checkup validate"))
        let text = try String(contentsOfFile: dir + "/checkup.json", encoding: .utf8)
        // The schema beside the binary (this checkout's contrib/), as a file URL editors open.
        #expect(text.hasPrefix(#"{\#n  "$schema": "file:///"#) && text.contains(#"/contrib/checkup.schema.json""#))
        #expect(text.contains(#""endpoint_url": "\#(up)""#) && text.contains(#""type": "fs""#) && text.hasSuffix("}\n"))

        #expect(try runCLI(["validate"], in: dir).status == 0)
        let check = try runCLI([], in: dir)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("127.0.0.1:\(httpPeer.port)/status/204"))
        let store = try runCLI(["--store"], in: dir)
        #expect(store.status == 0 && store.stdout.isEmpty, "\(store.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/" + StarterConfig.directory)
        #expect(files.contains { $0.hasSuffix("-check.json") })
    }

    @Test func initNeverReplacesAFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try Data("mine".utf8).write(to: URL(fileURLWithPath: dir + "/checkup.json"))
        let run = try runCLI(["init", "https://example.com/"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == "checkup: checkup.json: already exists; init never replaces a config (remove it, or name another file with -c)\n")
        #expect(try String(contentsOfFile: dir + "/checkup.json", encoding: .utf8) == "mine")

        let other = try runCLI(["init", "-c", "other.json", "example.com"], in: dir)
        #expect(other.status == 0 && other.stdout.contains("checkup -c other.json --store"))
        #expect(try String(contentsOfFile: dir + "/other.json", encoding: .utf8).contains(#""endpoint_url": "https://example.com""#))

        let none = try runCLI(["init"], in: dir)
        #expect(none.status == 2 && none.stderr.hasPrefix("checkup: init needs at least one URL"))
        let bad = try runCLI(["init", "-c", "third.json", "htp://x"], in: dir)
        #expect(bad.status == 2 && bad.stderr.hasPrefix(#"checkup: init: "htp://x" is not an http(s) URL"#))
        #expect(!FileManager.default.fileExists(atPath: dir + "/third.json"))
    }

    @Test func starterNamesEachCheckerAfterItsHost() throws {
        let starter = try StarterConfig(urls: ["https://www.example.com/", "https://api.example.com/a", "https://api.example.com/b"])
        #expect(starter.names == ["example.com", "api.example.com/a", "api.example.com/b"])
        let checkup = try Checkup(configData: Data(starter.text.utf8), environment: [:])
        #expect(checkup.checkers.map(\.name) == starter.names)
        let http = try #require(checkup.checkers.first as? HTTPChecker)
        #expect(http.attempts == StarterConfig.attempts && http.timeout == .seconds(10) && http.thresholdRTT == .seconds(2))
        #expect((checkup.storage as? FileSystemStorage)?.directory == StarterConfig.directory)
    }
}
