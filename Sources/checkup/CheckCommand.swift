import CheckupKit
import Foundation

// `checkup check NAME [--explain]`: one checker, its result, or every step of one run.

extension Invocation {
    /// Runs the checker called `name` once: prints its result in `output`'s format, or with
    /// `explain` the trace of one attempt. The exit status is 1 unless the result is healthy.
    func checkOne(_ name: String, explain: Bool, output: OutputOptions) async throws -> Int32 {
        if explain && output.isRequested {
            throw CheckupError(.usage, "check --explain prints a trace; it takes no --format or --output")
        }
        let checkup = try loadCheckup()
        let checker = try checkup.checker(named: name)
        if !explain {
            var one = checkup
            one.checkers = [checker]
            let results = try await one.runChecks()
            try output.write(results, types: [Checkup.typeName(checker)])
            return results.allSatisfy { $0.status == .healthy } ? 0 : 1
        }
        let trace = try await checkup.explain(checker)
        let environment = ProcessInfo.processInfo.environment
        let colored = isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        print(TraceText.render(trace, colored: colored), terminator: "")
        return trace.result.status == .healthy ? 0 : 1
    }
}

/// The text of a trace: a line per step, its kind first, further lines indented under it.
enum TraceText {
    /// Renders `trace`; with `colored`, PASS is green, FAIL red and the result by its state.
    static func render(_ trace: CheckTrace, colored: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let result = trace.result
        let attempts = trace.configuredAttempts > 1 ? "one attempt of the \(trace.configuredAttempts) a round makes" : "one attempt"
        var out = "== \(terminalSafe(trace.name)) (\(trace.type)) - \(terminalSafe(result.endpoint)): \(attempts)\n"
        let indent = String(repeating: " ", count: 14)
        for step in trace.steps {
            let marker: String
            switch step.kind {
            case .request: marker = "> "
            case .response: marker = "< "
            case .body: marker = "| "
            default: marker = ""
            }
            var head = step.summary
            if let passed = step.passed { head = (passed ? paint("PASS", "32") : paint("FAIL", "31")) + "  " + head }
            if step.kind == .request || step.kind == .response { head = marker + head }
            out += step.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + head + "\n"
            for line in step.lines { out += indent + marker + line + "\n" }
        }
        let colour = ["healthy": "32", "degraded": "33", "down": "31"][result.status.rawValue]
        let state = colour.map { paint(result.status.rawValue, $0) } ?? result.status.rawValue
        let reason = ResultTable.reason(result)
        out += "result".padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + state
            + (reason.isEmpty ? "" : ": \(terminalSafe(reason))") + "\n"
        return out
    }
}
