import CheckupKit
import Foundation

// The output formats of a plain run and `checkup check`: text, table, json and prometheus, to
// standard output or, with --output, to a file replaced atomically.

/// How a run's results are written: the format (`--format`, `-o`) and the file (`--output`).
struct OutputOptions: Equatable {
    /// The formats `--format` names.
    enum Format: String, CaseIterable {
        /// The original's text, for scripts that parse it (the default when stdout is not a terminal).
        case text
        /// One aligned line per endpoint and a summary line (the default on a terminal).
        case table
        /// The results array exactly as a check file holds it.
        case json
        /// The Prometheus text exposition format (a node_exporter textfile-collector file).
        case prometheus
    }

    /// The format asked for; nil picks table on a terminal, text otherwise.
    var format: Format?
    /// The file to write instead of standard output; nil for standard output.
    var file: String?

    /// Whether anything was asked for (with `--store`, nothing is printed otherwise).
    var isRequested: Bool { format != nil || file != nil }

    /// Whether a program reads the output (json, prometheus): then no progress is drawn.
    var isMachineRead: Bool { format == .json || format == .prometheus }

    /// Reads `--format` and `--output`.
    /// - Throws: a usage error for a format that does not exist or an empty file name.
    init(format: String? = nil, file: String? = nil) throws(CheckupError) {
        if let format {
            guard let known = Format(rawValue: format.lowercased()) else {
                let names = Format.allCases.map(\.rawValue).joined(separator: ", ")
                throw CheckupError(.usage, "--format: \"\(format)\" is not a format (\(names))")
            }
            self.format = known
        }
        if file == "" { throw CheckupError(.usage, "flag --output needs a file name, got \"\"") }
        self.file = file
    }

    /// Writes `results` (made by checkers of `types`, in the same order) in the chosen format.
    /// - Throws: `CheckupError` when the output file cannot be written.
    func write(_ results: [CheckResult], types: [String]) throws(CheckupError) {
        let toTerminal = file == nil && isatty(STDOUT_FILENO) == 1
        let environment = ProcessInfo.processInfo.environment
        let colored = toTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        let text: String
        switch format ?? (toTerminal ? .table : .text) {
        case .text:
            text = CheckResult.text(of: results, colored: colored)
        case .table:
            text = ResultTable.render(results, colored: colored)
        case .json:
            text = String(decoding: CheckResult.checkFileData(results), as: UTF8.self)
        case .prometheus:
            let metrics = zip(results, types).map { CheckMetrics($0, type: $1) }
            text = CheckMetrics.exposition(metrics)
        }
        if let file {
            try OutputFile.write(Data(text.utf8), to: file)
        } else {
            print(text, terminator: "")
        }
    }
}
