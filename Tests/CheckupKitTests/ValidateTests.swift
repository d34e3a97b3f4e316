import Foundation
import Testing
@testable import CheckupKit

/// `checkup validate` on the real binary: the bad-input corpus (testdata/bad/), each config's
/// one line in the loader's words, and the multi-problem configs of testdata/bad/multi/ with
/// every problem in order.
@Suite(.timeLimit(.minutes(3))) struct ValidateTests {
    static let corpus = BadInputTests.corpus
    static let environment = ["BAD_SECRET": BadInputTests.secret]

    @Test func validateReportsTheLoadersLineForEveryConfigOfTheCorpus() async throws {
        let rows = try BadInputTests.rows("expected.tsv")
        let runs = try await withThrowingTaskGroup(of: (String, String, CLIRun).self) { group in
            var pending = rows[...], out: [(String, String, CLIRun)] = []
            func start(_ row: [String]) {
                group.addTask {
                    try await offPool { (row[0], row[1], try runCLI(["validate", "-c", row[0]], in: Self.corpus.path, environment: Self.environment)) }
                }
            }
            // Two at a time: BadInputTests runs the same corpus beside it.
            for _ in 0..<2 { if let row = pending.popFirst() { start(row) } }
            while let run = try await group.next() {
                out.append(run)
                if let row = pending.popFirst() { start(row) }
            }
            return out
        }
        #expect(runs.count == rows.count && rows.count >= 60)
        for (file, expected, run) in runs {
            #expect(run.status == 1, "\(file): exit \(run.status)")
            #expect(run.stdout == "\(file): \(expected)\n", "\(file)")
            #expect(run.stderr == "checkup: \(file): 1 problem\n", "\(file)")
            #expect(!(run.stdout + run.stderr).contains(BadInputTests.secret), "\(file) repeats the secret")
        }
    }

    @Test(arguments: ["elements", "everything-wrong", "top-level"])
    func validateReportsEveryProblemOfAConfigInTheLoadersOrder(_ name: String) throws {
        let dir = Self.corpus.appendingPathComponent("multi").path
        let expected = try String(contentsOfFile: "\(dir)/\(name).expected", encoding: .utf8)
        let lines = expected.split(separator: "\n")
        #expect(lines.count >= 4)
        let run = try runCLI(["validate", "-c", "\(name).json"], in: dir, environment: Self.environment)
        #expect(run.status == 1)
        #expect(run.stdout == expected)
        #expect(run.stderr == "checkup: \(name).json: \(lines.count) problems\n")
        #expect(!(run.stdout + run.stderr).contains(BadInputTests.secret))
        // The first is the line a plain run refuses the file with.
        let plain = try runCLI(["-c", "\(name).json"], in: dir, environment: Self.environment)
        #expect(plain.status == 1 && plain.stderr == "checkup: \(lines[0])\n")
        // Each problem is also what the loader says when it is the only one: every element and
        // key was read on its own.
        #expect(Set(lines).count == lines.count)
    }

    @Test func validateAcceptsTheRepositorysConfigsAndRunsNothing() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        // A checker that would leave a file if it ran; storage that would be created if stored.
        try Data(#"{"checkers": [{"type": "exec", "name": "Touch", "command": "touch", "arguments": ["ran"]}], "storage": {"type": "fs", "dir": "store"}}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/checkup.json"))
        let run = try runCLI(["validate"], in: dir)
        #expect(run.status == 0 && run.stdout == "checkup.json: ok (1 checker)\n" && run.stderr.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["checkup.json"])

        for path in ["checkup.example.json", "testdata/config.json", "testdata/bad/ok.json"] {
            let good = try runCLI(["validate", "-c", path], in: repositoryRoot.path)
            #expect(good.status == 0 && good.stdout.hasPrefix("\(path): ok (") && good.stderr.isEmpty, "\(path): \(good.stderr)")
        }
        let missing = try runCLI(["validate", "-c", "nope.json"], in: dir)
        #expect(missing.status == 1 && missing.stdout == "nope.json: no such file (use -c to name the config file)\n")
        let usage = try runCLI(["validate", "extra"], in: dir)
        #expect(usage.status == 2 && usage.stderr.hasPrefix("checkup: validate takes no arguments"))
    }

    @Test func problemsOfTheLibraryMatchWhatTheLoaderThrowsFirst() throws {
        let text = #"{"concurrent_checks": -1, "checkers": [{"type": "http"}, {"type": "tcp", "endpoint_url": "h"}], "origin": "a/b"}"#
        let problems = Checkup.problems(inConfigData: Data(text.utf8), source: "x.json", environment: [:])
        #expect(problems.map(\.message) == [
            "x.json: concurrent_checks: -1 is negative; use 0 for the default",
            "x.json: checkers[0].endpoint_url: is missing; it is required",
            "x.json: checkers[1].endpoint_url: \"h\" is not host:port (use [addr]:port for IPv6)",
            "x.json: origin: \"a/b\" may hold only letters, digits, '.', '_' and '-'",
        ])
        #expect(throws: CheckupError.self) { try Checkup(configData: Data(text.utf8), source: "x.json", environment: [:]) }
        do {
            _ = try Checkup(configData: Data(text.utf8), source: "x.json", environment: [:])
        } catch let error as CheckupError {
            #expect(error.message == problems.first?.message)
        }
        #expect(Checkup.problems(inConfigData: Data("[]".utf8), source: "x.json").map(\.message) == ["x.json: is an array, expected a JSON object"])
    }

    @Test func schemaKeyIsReadAndWrittenBackFirst() throws {
        let text = #"{"$schema": "contrib/checkup.schema.json", "checkers": [{"type": "exec", "name": "T", "command": "true"}]}"#
        let checkup = try Checkup(configData: Data(text.utf8), environment: [:])
        #expect(checkup.configOptions.schema == "contrib/checkup.schema.json")
        let written = String(decoding: try checkup.configData(), as: UTF8.self)
        #expect(written.hasPrefix(#"{"$schema":"contrib/checkup.schema.json","checkers":"#))
        let again = try Checkup(configData: Data(written.utf8), environment: [:])
        #expect(String(decoding: try again.configData(), as: UTF8.self) == written)
    }
}
