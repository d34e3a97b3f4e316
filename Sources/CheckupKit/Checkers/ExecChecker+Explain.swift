import Foundation

extension ExecChecker: ExplainingChecker {
    /// Runs the program once as `check()` runs it each time and shows the command, its exit
    /// status, its output (at most 64 KiB, as captured) and each condition on them.
    public func explain(secrets: [String]) async throws -> CheckTrace {
        if command.isEmpty { throw CheckupError(.config, "\(name): command: is empty") }
        if !Self.raiseValues.contains(raise.lowercased()) {
            throw CheckupError(.config, "\(name): raise: \"\(raise)\" is not one of error, warn, warning")
        }
        let limit = timeout > .zero ? timeout : Self.defaultTimeout
        let shown = ([command] + arguments).map { $0.contains(where: { $0 == " " || $0 == "'" }) ? "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" : $0 }
        var steps = [CheckTrace.Step(.command, terminalSafe(shown.joined(separator: " ")),
                                     lines: ["no shell; stdout and stderr together; killed with its process group after \(limit.goDescription)"])]
        let started = CheckResult.now()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await Subprocess.run(command, arguments, timeout: limit)
        let attempt = judged(outcome, rtt: clock.now - start, limit: limit)
        let status: String
        if let spawnError = outcome.spawnError {
            status = "not started: \(spawnError)"
        } else if outcome.timedOut {
            status = "timed out after \(limit.goDescription); killed"
        } else if let signal = outcome.signal {
            status = "killed by signal \(signal)"
        } else {
            status = "exit status \(outcome.exitStatus.map(String.init) ?? "unknown")"
        }
        steps.append(CheckTrace.Step(.command, status))
        let output = String(decoding: outcome.output, as: UTF8.self)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { terminalSafe(String($0)) }
        steps.append(CheckTrace.Step(.body, outcome.output.isEmpty ? "no output"
            : "output, \(outcome.output.count) bytes\(outcome.outputTruncated ? " (truncated)" : "")",
            lines: lines.last == "" ? Array(lines.dropLast()) : lines))
        steps.append(WireSteps.timing(attempt, threshold: thresholdRTT))
        let ran = outcome.spawnError == nil && !outcome.timedOut && outcome.signal == nil
        let exitedZero = ran && outcome.exitStatus == 0
        steps.append(CheckTrace.Step(.assertion, "the program \(exitedZero ? "exits 0" : "does not exit 0: \(status)")", passed: exitedZero))
        if exitedZero, !mustContain.isEmpty {
            let ok = output.contains(mustContain)
            steps.append(CheckTrace.Step(.assertion, "the output \(ok ? "contains" : "does not contain") must_contain '\(terminalSafe(mustContain))'", passed: ok))
        }
        if exitedZero, !mustNotContain.isEmpty, attempt.error == nil || output.contains(mustNotContain) {
            let ok = !output.contains(mustNotContain)
            steps.append(CheckTrace.Step(.assertion, "the output \(ok ? "does not contain" : "contains") must_not_contain '\(terminalSafe(mustNotContain))'", passed: ok))
        }
        if attempt.error == nil, let step = WireSteps.thresholdStep(attempt.rtt, thresholdRTT) { steps.append(step) }
        var result = CheckResult(title: name, endpoint: command, timestamp: started, times: [attempt], threshold: thresholdRTT)
        result.conclude()
        if ["warn", "warning"].contains(raise.lowercased()), result.down, let error = attempt.error {
            result.down = false
            result.degraded = true
            result.notice = error
        }
        return CheckTrace(name: name, type: Self.typeName, steps: steps, result: result, configuredAttempts: max(1, attempts))
    }
}
