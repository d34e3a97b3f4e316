import Foundation
import Testing
@testable import CheckupKit

// Running the built `checkup` binary in the end-to-end tests: the binary, a run's output,
// `checkup serve` as a process, a project folder, its check files.

/// The built `checkup` executable, beside the test bundle.
let checkupBinary: String = {
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("checkup").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir.deleteLastPathComponent()
    }
    return repositoryRoot.appendingPathComponent(".build/debug/checkup").path
}()

struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `checkup` with `arguments` in `directory` and waits for it (killing it after `timeout`).
func runCLI(_ arguments: [String], in directory: String, environment: [String: String] = [:],
            timeout: Duration = .seconds(30)) throws -> CLIRun {
    try runTool(checkupBinary, arguments, in: directory, environment: environment, timeout: timeout)
}

/// `checkup serve` on a free 127.0.0.1 port in `directory`, with the repository's page;
/// terminated when released (or by `stop()`).
final class ServeProcess {
    let process = Process()
    /// The first line it printed.
    let banner: String
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    init(in directory: String, environment: [String: String]? = nil, page: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: checkupBinary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--statuspage", page ?? repositoryRoot.appendingPathComponent("statuspage").path]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        banner = readFirstLine(out)
        // "Serving the status page at http://127.0.0.1:PORT/ ..."
        guard let port = banner.split(separator: ":").dropFirst(2).first.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            process.terminate()
            throw CheckupError(.service, "checkup serve did not start: \(banner)")
        }
        self.port = port
    }

    /// Sends SIGTERM and returns the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { _ = stop() }
}

/// A tiny lock box for the pipe readers.
final class Mutex2<T>: @unchecked Sendable {  // every access goes through `lock`
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}

/// A working directory with a checkup.json for `checkers` (JSON array text) and fs storage in ./checks.
func makeProject(checkers: String, storage: Bool = true) throws -> String {
    let dir = try makeTemporaryDirectory()
    let storageText = storage ? #","storage":{"type":"fs","dir":"checks","url":"/"}"# : ""
    try #"{"checkers":\#(checkers)\#(storageText)}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
    return dir
}

func checkFiles(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(FileSystemStorage.isCheckFileName).sorted()
}

/// Blocks until `condition` holds, looking every 10 ms; throws after `seconds`.
func waitFor(seconds: Int64, _ condition: () -> Bool) throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(seconds)
    while !condition() {
        guard clock.now < deadline else { throw CheckupError(.check, "the condition did not hold within \(seconds) s") }
        Thread.sleep(forTimeInterval: 0.01)
    }
}
