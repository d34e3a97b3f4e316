import Foundation

/// The results as a table for people at a terminal (`checkup --format table`): one aligned line
/// per endpoint (state, name, median RTT, reason) and a summary line.
///
/// ```text
/// STATE     NAME     RTT      REASON
/// healthy   Website  12.3ms
/// down      API      1.2ms    response status 503 Service Unavailable
/// 2 endpoints: 1 healthy, 1 down
/// ```
///
/// Every cell is `terminalSafe`; with `colored`, the state is green, yellow or red.
public enum ResultTable {
    /// The table of `results`, each line ending in a line feed.
    public static func render(_ results: [CheckResult], colored: Bool) -> String {
        let rows = results.map { result -> [String] in
            [result.status.rawValue, terminalSafe(result.title.isEmpty ? result.endpoint : result.title),
             result.times.isEmpty ? "-" : shortDuration(result.stats.median), terminalSafe(reason(result))]
        }
        let header = ["STATE", "NAME", "RTT", "REASON"]
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], colour: String?) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                let padded = i < 3 ? cell + String(repeating: " ", count: widths[i] - cell.count + 2) : cell
                if i == 0, let colour { text += "\u{1B}[\(colour)m\(padded)\u{1B}[0m" } else { text += padded }
            }
            return text.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(header, colour: nil)
        for (result, row) in zip(results, rows) {
            out += line(row, colour: colored ? colourCode(result.status) : nil)
        }
        return out + summary(results) + "\n"
    }

    /// `3 endpoints: 2 healthy, 1 down` (the states that occur, worst last).
    public static func summary(_ results: [CheckResult]) -> String {
        let counts = [Status.healthy, .unknown, .degraded, .down].compactMap { state -> String? in
            let n = results.filter { $0.status == state }.count
            return n == 0 ? nil : "\(n) \(state)"
        }
        let noun = results.count == 1 ? "endpoint" : "endpoints"
        return "\(results.count) \(noun)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
    }

    /// Why a result is not healthy: its first attempt error, else its notice; empty when healthy.
    public static func reason(_ result: CheckResult) -> String {
        if result.status == .healthy { return "" }
        if let error = result.times.lazy.compactMap(\.error).first(where: { !$0.isEmpty }) { return error }
        return result.notice
    }

    /// A duration for a glance: `850µs`, `12.3ms`, `1.25s` (three significant figures at most).
    public static func shortDuration(_ d: Duration) -> String {
        let ns = Double(d.nanoseconds)
        func figures(_ v: Double, _ unit: String) -> String {
            let text = v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
            let trimmed = text.contains(".") ? text.replacingOccurrences(of: "\\.?0+$", with: "", options: .regularExpression) : text
            return trimmed + unit
        }
        if ns < 1_000 { return "\(d.nanoseconds)ns" }
        if ns < 1_000_000 { return figures(ns / 1_000, "µs") }
        if ns < 1_000_000_000 { return figures(ns / 1_000_000, "ms") }
        return figures(ns / 1_000_000_000, "s")
    }

    private static func colourCode(_ status: Status) -> String? {
        switch status {
        case .healthy: "32"
        case .degraded: "33"
        case .down: "31"
        case .unknown: nil
        }
    }
}

/// Writing an output file whole or not at all (`checkup --output FILE`): a temporary file in the
/// same folder, synced, then renamed over `path`, so a reader such as node_exporter's textfile
/// collector never sees half of it.
public enum OutputFile {
    /// Replaces (or creates) `path` with `data`, readable by everyone (0644).
    /// - Throws: `CheckupError` (`.storage`) naming the file and the system's reason.
    public static func write(_ data: Data, to path: String) throws(CheckupError) {
        try AtomicFile.replace(path, with: data)
    }
}
