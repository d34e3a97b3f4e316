import Foundation
import Testing
@testable import CheckupKit

/// Runs `executable` (a path, or a name looked up on PATH) with `arguments`, feeding it `input`,
/// and waits for it (killing it after `timeout`): for the real tools the toolbox tests use
/// (python3's jsonschema, bash, systemd-analyze, groff).
func runTool(_ executable: String, _ arguments: [String], input: String = "", in directory: String? = nil,
             environment: [String: String] = [:], timeout: Duration = .seconds(60)) throws -> CLIRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var base = ProcessInfo.processInfo.environment
    // Debian puts nginx (and other daemons) in /usr/sbin, which a minimal PATH leaves out.
    base["PATH"] = (base["PATH"].map { $0 + ":" } ?? "/usr/local/bin:/usr/bin:/bin:") + "/usr/sbin:/sbin"
    process.environment = base.merging(environment) { $1 }
    let inPipe = Pipe(), out = Pipe(), err = Pipe()
    process.standardInput = inPipe
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = Mutex2<Data>(Data()), errData = Mutex2<Data>(Data())
    let group = DispatchGroup()
    for (pipe, box) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            box.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    let writer = inPipe.fileHandleForWriting
    DispatchQueue.global().async {
        try? writer.write(contentsOf: Data(input.utf8))
        try? writer.close()
    }
    if group.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        group.wait()
    }
    process.waitUntilExit()
    return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                  stderr: String(decoding: errData.get(), as: UTF8.self))
}

/// Whether `name` is a program on PATH.
func hasTool(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}
