import Foundation
import Testing
@testable import CheckupKit

@Suite struct ExecCheckerTests {
    let script = repositoryRoot.appendingPathComponent("testdata/exec.sh").path

    @Test func exitStatusZeroIsUpAndOtherStatusesAreDownWithTheOutput() async throws {
        let up = try await ExecChecker(name: "ok", command: script, arguments: ["0", "fine"], attempts: 2).check()
        #expect(up.status == .healthy && up.times.count == 2 && up.endpoint == script)
        let down = try await ExecChecker(name: "bad", command: script, arguments: ["3", "broken"]).check()
        #expect(down.status == .down)
        #expect(down.times.first?.error == "exit status 3; output: exec.sh says: 3 broken")
    }

    @Test func outputMustAndMustNotContain() async throws {
        #expect(try await ExecChecker(name: "c", command: script, arguments: ["0", "ready"], mustContain: "ready").check().status == .healthy)
        let missing = try await ExecChecker(name: "c", command: script, arguments: ["0"], mustContain: "ready").check()
        #expect(missing.status == .down && missing.times[0].error == "output does not contain 'ready'")
        let present = try await ExecChecker(name: "c", command: script, arguments: ["0", "ERROR"], mustNotContain: "ERROR").check()
        #expect(present.status == .down && present.times[0].error == "output contains 'ERROR'")
        // stderr counts as output too
        let stderr = try await ExecChecker(name: "c", command: "sh", arguments: ["-c", "echo on-stderr >&2"], mustContain: "on-stderr").check()
        #expect(stderr.status == .healthy)
    }

    @Test func raiseWarnMakesFailuresDegradedWithTheFirstErrorAsNotice() async throws {
        let r = try await ExecChecker(name: "w", command: script, arguments: ["1"], raise: "warning").check()
        #expect(r.status == .degraded)
        #expect(r.notice == "exit status 1; output: exec.sh says: 1")
    }

    @Test func thresholdMakesASlowCommandDegraded() async throws {
        let r = try await ExecChecker(name: "t", command: "sleep", arguments: ["0.2"], thresholdRTT: .milliseconds(50)).check()
        #expect(r.status == .degraded && r.times[0].rtt >= .milliseconds(200))
    }

    @Test func overrunningCommandIsKilledWithItsChildrenAndReaped() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let clock = ContinuousClock()
        let start = clock.now
        let r = try await ExecChecker(name: "slow", command: "sh",
                                      arguments: ["-c", "echo $$ > \(dir)/pid; sleep 30 & echo $! > \(dir)/child; wait"],
                                      timeout: .milliseconds(300)).check()
        #expect(clock.now - start < .seconds(20))
        #expect(r.status == .down && r.times[0].error == "timed out after 300ms; killed")
        func state(_ file: String) throws -> String? {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let pid = text.trimmingCharacters(in: .whitespacesAndNewlines)
            // The field after "(comm)" in /proc/PID/stat is the state; nil when the process is gone.
            return (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
                .map { String($0[$0.range(of: ") ")!.upperBound...].prefix(1)) }  // stat always has "(comm) "
        }
        // Waits for the kill to land, however slow the machine: until both are gone (or 10 s).
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline, try state("pid") != nil || ![nil, "Z"].contains(try state("child")) {
            try await Task.sleep(for: .milliseconds(20))
        }
        // Our own child was reaped: no process, not even a zombie.
        #expect(try state("pid") == nil)
        // Its child was killed with the group (a dead orphan waits for init to reap it).
        let grandchild = try state("child")
        #expect(grandchild == nil || grandchild == "Z", "grandchild state \(grandchild ?? "")")
    }

    @Test func missingCommandIsAClearError() async throws {
        let r = try await ExecChecker(name: "nope", command: "no-such-command-for-checkup").check()
        #expect(r.status == .down)
        #expect(r.times[0].error == "cannot run no-such-command-for-checkup: No such file or directory")
    }

    @Test func configRoundTripsAndRejectsUnknownRaise() throws {
        let json = #"{"checkers":[{"type":"exec","name":"Ping","command":"ping","arguments":["-c","1","127.0.0.1"],"threshold_rtt":100000000,"must_contain":"1 received","must_not_contain":"loss 100","raise":"warn","attempts":2,"attempt_spacing":1000000000,"timeout":5000000000}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect(throws: CheckupError(.config, #"checkup.json: checkers[0].raise: "loud" is not one of error, warn, warning"#)) {
            try Checkup(configData: Data(#"{"checkers":[{"type":"exec","command":"x","raise":"loud"}]}"#.utf8), environment: [:])
        }
        #expect(throws: CheckupError(.config, "checkup.json: checkers[0].command: is missing; it is required")) {
            try Checkup(configData: Data(#"{"checkers":[{"type":"exec","name":"x"}]}"#.utf8), environment: [:])
        }
    }
}
