import Foundation
import Testing
@testable import CheckupKit

/// The bad-input corpus (testdata/bad/README.md): every config and command line there makes the
/// real `checkup` binary fail fast with one line that names the file, key path and value.
@Suite(.timeLimit(.minutes(2))) struct BadInputTests {
    static let corpus = repositoryRoot.appendingPathComponent("testdata/bad")
    static let secret = "corpus-secret-value"
    /// A refusal happens at load, before any check or network, well under a second; this bound
    /// only catches a hang (a run that started checking), so a busy machine cannot fail it.
    static let deadline: Duration = .seconds(20)

    struct Case: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        /// The whole rest of the line after `checkup: FILE: ` (configs), or a part of it (command lines).
        var expected: String
        var config: String?
        var description: String { arguments.joined(separator: " ") }
    }

    static func rows(_ file: String) throws -> [[String]] {
        let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static func cases() throws -> [Case] {
        var cases: [Case] = []
        for row in try rows("expected.tsv") {
            cases.append(Case(arguments: ["-c", row[0]], status: 1, expected: row[1], config: row[0]))
        }
        for row in try rows("args.tsv") {
            cases.append(Case(arguments: Array(row.dropFirst(2)), status: Int32(row[0]) ?? -1, expected: row[1]))
        }
        return cases
    }

    @Test func everyConfigInTheCorpusHasItsExpectedLineAndEveryLineItsConfig() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
            .filter { $0.hasSuffix(".json") && $0.first?.isNumber == true }.sorted()
        #expect(try Self.rows("expected.tsv").map { $0[0] } == files)
        #expect(files.count >= 60)
        #expect(try Self.rows("args.tsv").allSatisfy { $0.count >= 3 })
    }

    @Test func everyBadInputFailsFastWithOneLineNamingFileKeyAndValue() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: Self.corpus.path) {
            try fm.copyItem(atPath: Self.corpus.appendingPathComponent(name).path, toPath: dir + "/" + name)
        }
        try fm.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        let before = try Self.snapshot(dir)
        let cases = try Self.cases()

        // Four at a time: fast on two cores without starving the rest of the suite.
        let results = try await withThrowingTaskGroup(of: (Case, CLIRun, Duration).self) { group in
            var pending = cases[...], out: [(Case, CLIRun, Duration)] = []
            func start(_ c: Case) {
                group.addTask {
                    try await offPool {
                        let clock = ContinuousClock(), started = clock.now
                        let run = try runCLI(c.arguments, in: dir, environment: ["BAD_SECRET": Self.secret], timeout: .seconds(10))
                        return (c, run, clock.now - started)
                    }
                }
            }
            for _ in 0..<4 { if let c = pending.popFirst() { start(c) } }
            while let result = try await group.next() {
                out.append(result)
                if let c = pending.popFirst() { start(c) }
            }
            return out
        }

        #expect(results.count == cases.count)
        for (c, run, elapsed) in results {
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(run.status == c.status, "\(c): exit \(run.status), stderr \(run.stderr)")
            #expect(elapsed < Self.deadline, "\(c): took \(elapsed)")
            #expect(!(run.stdout + run.stderr).contains(Self.secret), "\(c): repeats the secret")
            if let config = c.config {
                #expect(lines == ["checkup: \(config): \(c.expected)"], "\(c)")
            } else {
                #expect(lines.first?.contains(c.expected) == true && lines.count <= 3, "\(c): \(run.stderr)")
            }
        }
        // Nothing was written: no state file replaced, no check file stored.
        #expect(try Self.snapshot(dir) == before)
    }

    /// Every file under `dir` with its content.
    static func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: dir)
        while let name = walker?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: dir + "/" + name) { files[name] = data }
        }
        return files
    }
}
