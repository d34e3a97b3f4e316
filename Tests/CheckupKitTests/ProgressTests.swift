import Foundation
import Testing
@testable import CheckupKit

/// Progress on long work: drawn on a terminal (a real pty, testdata/pty-run.py), never when
/// standard error is a pipe or the terminal is dumb.
@Suite(.timeLimit(.minutes(2))) struct ProgressTests {
    static let erase = "\r\u{1B}[K"

    /// Runs `checkup arguments` in `dir` with a pty as its terminal: its exit status and all it wrote.
    static func onTerminal(_ arguments: [String], in dir: String, environment: [String: String] = [:]) throws -> (status: Int, output: String) {
        let run = try runTool("python3", [repositoryRoot.appendingPathComponent("testdata/pty-run.py").path, checkupBinary] + arguments,
                              in: dir, environment: ["TERM": "xterm", "NO_COLOR": "1"].merging(environment) { $1 })
        try #require(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (object["status"] as? Int ?? -1, object["output"] as? String ?? "")
    }

    /// A directory with a config of `count` tcp checkers and fs storage. They connect to a
    /// closed port, refused at once: a round of hundreds that costs no process and no peer.
    static func config(_ count: Int) throws -> String {
        let dir = try makeTemporaryDirectory()
        let port = closedPort()
        let checkers = (1...count).map { #"{"type": "tcp", "endpoint_name": "Check \#($0)", "endpoint_url": "127.0.0.1:\#(port)"}"# }.joined(separator: ", ")
        try Data(#"{"checkers": [\#(checkers)], "storage": {"type": "fs", "dir": "store"}}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/checkup.json"))
        return dir
    }

    @Test func aRoundOverManyEndpointsShowsNOfNOnATerminalAndErasesIt() throws {
        let dir = try Self.config(200)
        defer { removeDirectory(dir) }
        let stored = try Self.onTerminal(["--store"], in: dir)
        #expect(stored.status == 0)
        #expect(stored.output.hasPrefix(Self.erase + "checking 1 of 200: Check "), "\(stored.output.prefix(200))")
        #expect(stored.output.contains(Self.erase + "checking 200 of 200: Check ") && stored.output.hasSuffix(Self.erase))

        // A plain check: the line is erased before the results are printed.
        let checked = try Self.onTerminal(["--format", "text"], in: dir)
        #expect(checked.status == 1)  // every endpoint is down
        let results = try #require(checked.output.range(of: "== Check 1 - "))
        let lastErase = try #require(checked.output.range(of: Self.erase, options: .backwards))
        #expect(lastErase.upperBound <= results.lowerBound)
        #expect(checked.output[..<results.lowerBound].contains("checking 200 of 200"))

        // Never with output a program reads.
        let json = try Self.onTerminal(["--format", "json"], in: dir)
        #expect(json.status == 1 && !json.output.contains("checking ") && json.output.hasPrefix("[{"))
    }

    @Test func summarizeOverManyFilesShowsNOfNOnATerminal() throws {
        let dir = try Self.config(3)
        defer { removeDirectory(dir) }
        for _ in 0..<5 { #expect(try runCLI(["--store"], in: dir).status == 0) }
        let rebuilt = try Self.onTerminal(["summarize"], in: dir)
        #expect(rebuilt.status == 0)
        #expect(rebuilt.output.contains(Self.erase + "reading 5 of 5: check files" + Self.erase + "Rebuilt summaries/"), "\(rebuilt.output)")
    }

    @Test func nothingIsDrawnWhenStandardErrorIsNotATerminal() throws {
        let dir = try Self.config(200)
        defer { removeDirectory(dir) }
        let stored = try runCLI(["--store"], in: dir)
        #expect(stored.status == 0 && stored.stdout.isEmpty && stored.stderr.isEmpty)
        let checked = try runCLI([], in: dir)
        #expect(checked.status == 1 && checked.stderr.isEmpty && !checked.stdout.contains("\r"))
        let rebuilt = try runCLI(["summarize"], in: dir)
        #expect(rebuilt.status == 0 && rebuilt.stderr.isEmpty && !rebuilt.stdout.contains("\r"))
        // A terminal that cannot move the cursor back gets nothing either.
        let dumb = try Self.onTerminal(["--store"], in: dir, environment: ["TERM": "dumb"])
        #expect(dumb.status == 0 && dumb.output.isEmpty, "\(dumb.output.prefix(100))")
    }
}
