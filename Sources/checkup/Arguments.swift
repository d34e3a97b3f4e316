import CheckupKit

/// The command line, split into a command, its flags and its positional arguments.
struct Arguments {
    var command = ""
    var flags: [String: String] = [:]
    var positionals: [String] = []

    /// Flags that take a value, by every spelling, mapped to their canonical name.
    static let valueFlags: [String: String] = [
        "-c": "config", "--config": "config", "-a": "about", "--about": "about",
        "--listen": "listen", "--statuspage": "statuspage", "--out": "out", "-o": "out", "--url": "url",
    ]
    /// Flags without a value.
    static let boolFlags: [String: String] = [
        "-h": "help", "--help": "help", "--version": "version", "--store": "store",
    ]
    static let commands: Set = ["every", "message", "provision", "serve", "statuspage", "summarize", "help"]

    /// The flags each command accepts besides `config` and `help`.
    static let allowed: [String: Set<String>] = [
        "": ["store", "version"], "every": [], "message": ["about"], "provision": [],
        "serve": ["listen", "statuspage"], "statuspage": ["out", "url", "statuspage"], "summarize": [], "help": [],
    ]

    init(_ argv: [String]) throws(CheckupError) {
        var i = 0
        var onlyPositionals = false
        while i < argv.count {
            let arg = argv[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                if command.isEmpty && positionals.isEmpty && Self.commands.contains(arg) {
                    command = arg
                } else {
                    positionals.append(arg)
                }
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            if let canonical = Self.valueFlags[name] {
                if let inline {
                    flags[canonical] = inline
                } else if i < argv.count {
                    flags[canonical] = argv[i]
                    i += 1
                } else {
                    throw CheckupError(.usage, "flag \(name) needs a value")
                }
            } else if let canonical = Self.boolFlags[name], inline == nil {
                flags[canonical] = "true"
            } else {
                throw CheckupError(.usage, "unknown flag \(arg)")
            }
        }
        if command == "help" {
            command = positionals.first ?? ""
            positionals = []
            flags["help"] = "true"
        }
        let allowed = Self.allowed[command, default: []].union(["config", "help"])
        if let extra = flags.keys.sorted().first(where: { !allowed.contains($0) }) {
            let spelled = Self.valueFlags.first { $0.value == extra && $0.key.hasPrefix("--") }?.key
                ?? Self.boolFlags.first { $0.value == extra && $0.key.hasPrefix("--") }?.key ?? extra
            throw CheckupError(.usage, "unknown flag \(spelled) for \(command.isEmpty ? "checkup" : "checkup \(command)")")
        }
    }

    var configPath: String { flags["config"] ?? "checkup.json" }
    func has(_ flag: String) -> Bool { flags[flag] != nil }
}
