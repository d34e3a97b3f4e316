import Foundation

/// Checks by running a program (`"type": "exec"`): exit status 0 is up.
///
/// The program runs without a shell, with its standard output and error captured together (at
/// most 64 KiB), in a process group of its own that is killed when it overruns `timeout`.
/// `mustContain` and `mustNotContain` are matched against that output. With `raise` set to
/// `warn` or `warning`, a failure makes the endpoint degraded instead of down.
public struct ExecChecker: Checker, Equatable {
    /// The check's name (`name`).
    public var name: String
    /// The program, found on `PATH` unless it contains a `/` (`command`).
    public var command: String
    /// Its arguments (`arguments`).
    public var arguments: [String]
    /// Above this median run time the check is degraded (`threshold_rtt`).
    public var thresholdRTT: Duration
    /// Text the output must contain (`must_contain`).
    public var mustContain: String
    /// Text the output must not contain (`must_not_contain`).
    public var mustNotContain: String
    /// `""`/`"error"` (failures are down) or `"warn"`/`"warning"` (failures are degraded) (`raise`).
    public var raise: String
    /// How many runs (`attempts`); values below 1 mean 1.
    public var attempts: Int
    /// Pause between runs (`attempt_spacing`).
    public var attemptSpacing: Duration
    /// Limit for each run (`timeout`, checkup's extension); zero means 10 seconds, as the original.
    public var timeout: Duration

    /// The timeout used when none is configured.
    public static let defaultTimeout: Duration = .seconds(10)

    /// Creates an exec checker.
    public init(name: String, command: String, arguments: [String] = [], thresholdRTT: Duration = .zero,
                mustContain: String = "", mustNotContain: String = "", raise: String = "", attempts: Int = 1,
                attemptSpacing: Duration = .zero, timeout: Duration = .zero) {
        self.name = name
        self.command = command
        self.arguments = arguments
        self.thresholdRTT = thresholdRTT
        self.mustContain = mustContain
        self.mustNotContain = mustNotContain
        self.raise = raise
        self.attempts = attempts
        self.attemptSpacing = attemptSpacing
        self.timeout = timeout
    }

    static let raiseValues: Set = ["", "error", "warn", "warning"]

    /// Runs the program and concludes a result.
    /// - Throws: `CheckupError` (`.config`) when `command` is empty or `raise` is not a known value.
    public func check() async throws -> CheckResult {
        if command.isEmpty { throw CheckupError(.config, "\(name): command: is empty") }
        if !Self.raiseValues.contains(raise.lowercased()) {
            throw CheckupError(.config, "\(name): raise: \"\(raise)\" is not one of error, warn, warning")
        }
        let started = CheckResult.now()
        let limit = timeout > .zero ? timeout : Self.defaultTimeout
        let times = await runAttempts(attempts, spacing: attemptSpacing) { await attempt(limit) }
        var result = CheckResult(title: name, endpoint: command, timestamp: started, times: times, threshold: thresholdRTT)
        result.conclude()
        if ["warn", "warning"].contains(raise.lowercased()), result.down,
           let first = times.first(where: { $0.error != nil })?.error {
            result.down = false
            result.degraded = true
            result.notice = first
        }
        return result
    }

    private func attempt(_ limit: Duration) async -> Attempt {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await Subprocess.run(command, arguments, timeout: limit)
        return judged(outcome, rtt: clock.now - start, limit: limit)
    }

    /// The attempt a run makes: its time, and the first condition it fails.
    func judged(_ outcome: Subprocess.Outcome, rtt: Duration, limit: Duration) -> Attempt {
        var attempt = Attempt(rtt: rtt)
        let output = String(decoding: outcome.output, as: UTF8.self)
        if let spawnError = outcome.spawnError {
            attempt.error = "cannot run \(command): \(spawnError)"
        } else if Task.isCancelled {
            attempt.error = Attempt.cancelledError
        } else if outcome.timedOut {
            attempt.error = "timed out after \(limit.goDescription); killed"
        } else if let signal = outcome.signal {
            attempt.error = "killed by signal \(signal)" + Self.describe(output)
        } else if let status = outcome.exitStatus, status != 0 {
            attempt.error = "exit status \(status)" + Self.describe(output)
        } else if !mustContain.isEmpty, !output.contains(mustContain) {
            attempt.error = "output does not contain '\(mustContain)'"
        } else if !mustNotContain.isEmpty, output.contains(mustNotContain) {
            attempt.error = "output contains '\(mustNotContain)'"
        }
        return attempt
    }

    /// The output for an error message: one line, at most 300 characters.
    static func describe(_ output: String) -> String {
        let line = output.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        if line.isEmpty { return "; no output" }
        return "; output: " + (line.count > 300 ? String(line.prefix(297)) + "..." : line)
    }
}

extension ExecChecker: JSONConfigurable {
    static let typeName = "exec"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("name", name, omitEmpty: false)
        w.string("command", command, omitEmpty: false)
        w.strings("arguments", arguments)
        w.duration("threshold_rtt", thresholdRTT)
        w.string("must_contain", mustContain)
        w.string("must_not_contain", mustNotContain)
        w.string("raise", raise)
        w.int("attempts", attempts)
        w.duration("attempt_spacing", attemptSpacing)
        w.duration("timeout", timeout)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let raise = try c.string("raise") ?? ""
        if !Self.raiseValues.contains(raise.lowercased()) {
            throw c.error("raise", "\(c.shown("raise")) is not one of error, warn, warning")
        }
        self.init(name: try c.string("name") ?? "", command: try c.requiredString("command"),
                  arguments: try c.stringArray("arguments"), thresholdRTT: try c.duration("threshold_rtt"),
                  mustContain: try c.string("must_contain") ?? "", mustNotContain: try c.string("must_not_contain") ?? "",
                  raise: raise, attempts: try c.attempts(),
                  attemptSpacing: try c.duration("attempt_spacing"), timeout: try c.duration("timeout"))
    }
}
