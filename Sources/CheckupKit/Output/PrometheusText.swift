import Foundation

/// Writes the Prometheus text exposition format (version 0.0.4): per metric family a `# HELP`
/// and a `# TYPE` line, then one sample a line, `name{label="value",…} value`, and no timestamps,
/// so the text also serves as a node_exporter textfile-collector file.
///
/// Label values are escaped as the format says (`\` → `\\`, `"` → `\"`, a line feed → `\n`),
/// HELP text likewise without the quote; values are written as Go's `strconv.ParseFloat` reads
/// them (`NaN`, `+Inf`, `-Inf`).
public struct PrometheusText: Sendable {
    /// One sample: its labels, in order, and its value.
    public typealias Sample = (labels: [(String, String)], value: Double)

    /// The text so far.
    public private(set) var text = ""

    /// The media type of the text format, for an HTTP `Content-Type`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Starts an empty exposition.
    public init() {}

    /// Adds one metric family; a family without samples is left out (its HELP and TYPE too).
    /// - Parameters:
    ///   - name: the metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), e.g. `checkup_up`.
    ///   - type: `gauge`, `counter`, `untyped`…
    ///   - help: one line for people.
    public mutating func family(_ name: String, type: String, help: String, _ samples: [Sample]) {
        guard !samples.isEmpty else { return }
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(type)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{" + sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.number(sample.value))\n"
        }
    }

    /// A label value escaped for the text format.
    public static func escapeLabel(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// HELP text escaped for the text format (backslashes and line feeds only).
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: integers without a fraction (`1`, `1764064800`), others in Swift's
    /// shortest round-tripping form (`0.081234567`, `1e-06`), which Go parses back exactly.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
