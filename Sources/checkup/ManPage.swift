import CheckupKit
import Foundation

/// `checkup man`: the manual page (roff, man(7) macros), made from the help texts of `Help`, so
/// that the page and `--help` never disagree. `contrib/checkup.1` is this output, kept for
/// packagers; a test keeps the two equal.
enum ManPage {
    /// The page: NAME, SYNOPSIS, DESCRIPTION (the general help), COMMANDS (each command's help),
    /// EXIT STATUS and FILES. No date, so it is the same on every build.
    static var text: String {
        let general = paragraphs(Help.text(nil))
        var out = [".TH CHECKUP 1 \"\" \"checkup \(checkupVersion)\" \"User Commands\"", ".SH NAME"]
        let title = general.first?.first ?? "checkup"
        out.append(escaped(title.replacingOccurrences(of: "checkup: ", with: "checkup - ")))
        out.append(".SH SYNOPSIS")
        out.append(escaped("checkup [-c FILE] [--store]"))
        for topic in Help.topics {
            out += [".br", escaped(String(Help.usage(topic).dropFirst("Usage: ".count)))]
        }
        out.append(".SH DESCRIPTION")
        out += body(general.dropFirst().filter { !($0.first ?? "").hasPrefix("Usage: ") })
        out.append(".SH COMMANDS")
        for topic in Help.topics {
            out.append(".SS \(escaped(topic))")
            out += body(paragraphs(Help.text(topic)))
        }
        out += [".SH EXIT STATUS", "0 success (and every endpoint healthy, for a plain check); 1 an unhealthy endpoint,",
                "a problem in the config or another error; 2 a command line that was not understood.",
                ".SH FILES", ".TP", "checkup.json",
                "the config file, in the current directory unless \\-c names another; its JSON Schema is",
                "contrib/checkup.schema.json.",
                ".SH SEE ALSO", "The README of checkup, and https://github.com/sourcegraph/checkup for the original."]
        return out.joined(separator: "\n") + "\n"
    }

    /// The paragraphs of a help text: runs of lines between blank lines.
    static func paragraphs(_ text: String) -> [[String]] {
        var out: [[String]] = [], current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { out.append(current); current = [] }
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Paragraphs as roff: a usage line in bold, prose filled (`.PP`), and a paragraph with
    /// indented lines (flags, examples) kept as typed (`.nf`).
    private static func body(_ paragraphs: [[String]]) -> [String] {
        var out: [String] = []
        for lines in paragraphs {
            if lines.count == 1, lines[0].hasPrefix("Usage: ") {
                out += [".PP", ".B " + escaped(String(lines[0].dropFirst("Usage: ".count)))]
            } else if lines.dropFirst().contains(where: { $0.hasPrefix(" ") }) || lines[0].hasPrefix(" ") {
                out += [".PP", ".nf"] + lines.map(escaped) + [".fi"]
            } else {
                out += [".PP"] + lines.map(escaped)
            }
        }
        return out
    }

    /// A line of text as roff reads it literally: backslashes and hyphens escaped, and a line
    /// that would start with a control character (`.` or `'`) guarded by `\&`.
    static func escaped(_ line: String) -> String {
        let text = line.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        return text.hasPrefix(".") || text.hasPrefix("'") ? "\\&" + text : text
    }
}
