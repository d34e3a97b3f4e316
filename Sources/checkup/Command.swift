import CheckupKit

// Parsing the command line into a typed `Command`: one table of flags, one of commands.

/// What the command line asks for, with its options typed.
enum Command {
    /// Run every checker once and print the results, or store them instead (`--store`), in
    /// `output`'s format and place (with `--store`, only when a format or file was asked for).
    case check(store: Bool, output: OutputOptions)
    /// Run the checker called `name` once and print its result, or with `explain` every step of it.
    case checkOne(name: String, explain: Bool, output: OutputOptions)
    /// Check and store now, then once every `interval`, until SIGINT or SIGTERM.
    case every(interval: Duration)
    /// Check once, attach `text` to the result titled `about` (the only result when nil), and store.
    case message(about: String?, text: String)
    /// Serve the status page from `statuspage` (nil: found) and the store's files on `listen`.
    case serve(listen: String, statuspage: String?)
    /// Write a copy of the page in `statuspage` (nil: found) to `out`, reading the store at `url`.
    case statuspage(out: String, url: String?, statuspage: String?)
    /// Open, update, resolve or list the store's incidents.
    case incident(IncidentCommand)
    /// Add, cancel or list planned maintenance windows.
    case maintenance(MaintenanceCommand)
    /// Rebuild the status page's summaries from the check files.
    case summarize
    /// Print the availability report of `month` (`YYYY-MM`) in `format`.
    case report(month: String, format: MonthlyReport.Format)
    /// Provision the configured storage, or the one `provider` names (lowercased; only "s3" exists);
    /// with `heartbeat`, only the user that may push heartbeats.
    case provision(provider: String?, heartbeat: Bool)
    /// Store a heartbeat for the heartbeat checker called `name`: the job ran, or (`failed`) failed.
    case push(name: String, failed: Bool, message: String)
    /// Report every problem of the config file, running nothing.
    case validate
    /// Write a starter config file for `urls`, never over an existing file.
    case initialize(urls: [String])
    /// Print the completion script for `shell` (bash, zsh or fish).
    case completion(shell: String)
    /// Print the manual page (roff), made from the help texts.
    case manPage
    /// Print the help for `topic`: a command's name, else (nil or any other word) the general help.
    case help(topic: String?)
    /// Print the version.
    case version
}

// A flag: spelled `--name` (`--name=VALUE` for a value) or by its short spelling.
private struct Flag: Hashable, Sendable {
    let name: String
    let short: String?
    let takesValue: Bool

    static let about = Flag(name: "about", short: "-a", takesValue: true)
    static let config = Flag(name: "config", short: "-c", takesValue: true)
    static let explain = Flag(name: "explain", short: "-v", takesValue: false)
    static let format = Flag(name: "format", short: "-o", takesValue: true)
    static let output = Flag(name: "output", short: nil, takesValue: true)
    static let help = Flag(name: "help", short: "-h", takesValue: false)
    static let impact = Flag(name: "impact", short: nil, takesValue: true)
    static let status = Flag(name: "status", short: nil, takesValue: true)
    static let from = Flag(name: "from", short: nil, takesValue: true)
    static let until = Flag(name: "until", short: nil, takesValue: true)
    static let listen = Flag(name: "listen", short: nil, takesValue: true)
    static let out = Flag(name: "out", short: "-o", takesValue: true)
    static let statuspage = Flag(name: "statuspage", short: nil, takesValue: true)
    static let store = Flag(name: "store", short: nil, takesValue: false)
    static let shard = Flag(name: "shard", short: nil, takesValue: true)
    static let url = Flag(name: "url", short: nil, takesValue: true)
    static let version = Flag(name: "version", short: nil, takesValue: false)
    static let fail = Flag(name: "fail", short: nil, takesValue: false)
    static let message = Flag(name: "message", short: "-m", takesValue: true)
    static let heartbeat = Flag(name: "heartbeat", short: nil, takesValue: false)
    static let month = Flag(name: "month", short: nil, takesValue: true)

    // The flag `spelling` (such as `--out` or `-o`) names, if any.
    static func spelled(_ spelling: String) -> Flag? {
        let all = [about, config, help, listen, out, statuspage, store, url, version, explain, format, output, shard, fail, message, heartbeat, impact, status, from, until, month]
        return all.first { "--" + $0.name == spelling || $0.short == spelling }
    }
}

// What a command accepts, and how its arguments become a `Command`.
private struct Syntax: Sendable {
    // Its flags besides --config and --help, which every command takes.
    let flags: Set<Flag>
    // How many positional arguments it takes, and the usage error (given them) for any other number.
    let arguments: ClosedRange<Int>
    let wrongCount: @Sendable ([String]) -> String
    // The command, from its positional arguments (their number checked) and its flags' values.
    let make: @Sendable ([String], [Flag: String]) throws(CheckupError) -> Command

    // The usage error of a command that takes no arguments.
    static func takesNone(_ name: String) -> @Sendable ([String]) -> String {
        { "\(name) takes no arguments, got \"\($0.first ?? "")\"" }
    }
}

/// A parsed command line: the command and the options every command shares.
struct Invocation {
    /// What to do.
    var command: Command
    /// The config file (`-c`, `--config`; default `checkup.json`).
    var configPath: String
    /// The slice of the checkers to check (`--shard INDEX/COUNT`); nil for all.
    var shard: Shard?

    // Every command by its name; "" is the one without a command word.
    private static let commands: [String: Syntax] = [
        "": Syntax(flags: [.store, .version, .format, .output, .shard], arguments: 0...0,
                   wrongCount: { "unknown command \"\($0.first ?? "")\"" }) { _, flags throws(CheckupError) in
            .check(store: flags[.store] != nil, output: try OutputOptions(format: flags[.format], file: flags[.output]))
        },
        "check": Syntax(flags: [.explain, .format, .output], arguments: 1...1,
                        wrongCount: { _ in "check needs exactly one NAME, the checker's name (quote it)" }) { arguments, flags throws(CheckupError) in
            .checkOne(name: arguments[0], explain: flags[.explain] != nil,
                      output: try OutputOptions(format: flags[.format], file: flags[.output]))
        },
        "every": Syntax(flags: [.shard], arguments: 1...1,
                        wrongCount: { _ in "every needs exactly one INTERVAL, such as 10m" }) { arguments, _ throws(CheckupError) in
            .every(interval: try parseInterval(arguments[0]))
        },
        "message": Syntax(flags: [.about], arguments: 1...1,
                          wrongCount: { _ in "message needs exactly one TEXT argument (quote it)" }) { arguments, flags in
            .message(about: flags[.about].flatMap { $0.isEmpty ? nil : $0 }, text: arguments[0])
        },
        "serve": Syntax(flags: [.listen, .statuspage], arguments: 0...0, wrongCount: Syntax.takesNone("serve")) { _, flags in
            .serve(listen: flags[.listen] ?? ":3000", statuspage: flags[.statuspage])
        },
        "statuspage": Syntax(flags: [.out, .url, .statuspage], arguments: 0...0,
                             wrongCount: Syntax.takesNone("statuspage")) { _, flags throws(CheckupError) in
            guard let out = flags[.out], !out.isEmpty else { throw CheckupError(.usage, "statuspage needs --out DIR") }
            return .statuspage(out: out, url: flags[.url], statuspage: flags[.statuspage])
        },
        "incident": Syntax(flags: [.about, .impact, .status], arguments: 1...3,
                           wrongCount: { _ in "incident needs open, update ID, resolve ID or list" }) { arguments, flags throws(CheckupError) in
            .incident(try IncidentCommand(arguments, about: flags[.about], impact: flags[.impact], status: flags[.status]))
        },
        "maintenance": Syntax(flags: [.about, .from, .until], arguments: 1...2,
                              wrongCount: { _ in "maintenance needs add, cancel ID or list" }) { arguments, flags throws(CheckupError) in
            .maintenance(try MaintenanceCommand(arguments, about: flags[.about], from: flags[.from], until: flags[.until]))
        },
        "summarize": Syntax(flags: [], arguments: 0...0, wrongCount: Syntax.takesNone("summarize")) { _, _ in .summarize },
        "report": Syntax(flags: [.month, .format], arguments: 0...0, wrongCount: Syntax.takesNone("report")) { _, flags throws(CheckupError) in
            guard let month = flags[.month], !month.isEmpty else { throw CheckupError(.usage, "report needs --month=YYYY-MM, such as 2026-11") }
            _ = try MonthlyReport.bounds(month)
            let name = (flags[.format] ?? "md").lowercased()
            guard let format = MonthlyReport.Format(rawValue: name) else {
                throw CheckupError(.usage, "report: --format=\(flags[.format] ?? "") is not md, csv or json")
            }
            return .report(month: month, format: format)
        },
        "provision": Syntax(flags: [.heartbeat], arguments: 0...1,
                            wrongCount: { _ in "provision takes at most one argument, the storage type" }) { arguments, flags in
            .provision(provider: arguments.first?.lowercased(), heartbeat: flags[.heartbeat] != nil)
        },
        "push": Syntax(flags: [.fail, .message], arguments: 1...1,
                       wrongCount: { _ in "push needs exactly one NAME, the heartbeat checker's name (quote it)" }) { arguments, flags in
            .push(name: arguments[0], failed: flags[.fail] != nil, message: flags[.message] ?? "")
        },
        "validate": Syntax(flags: [], arguments: 0...0, wrongCount: Syntax.takesNone("validate")) { _, _ in .validate },
        "init": Syntax(flags: [], arguments: 0...Int.max,
                       wrongCount: { _ in "init takes URLs" }) { arguments, _ in .initialize(urls: arguments) },
        "completion": Syntax(flags: [], arguments: 1...1,
                             wrongCount: { _ in "completion needs exactly one SHELL: bash, zsh or fish" }) { arguments, _ throws(CheckupError) in
            guard Completion.shells.contains(arguments[0]) else {
                throw CheckupError(.usage, "completion: \"\(arguments[0])\" is not a shell it knows (bash, zsh or fish)")
            }
            return .completion(shell: arguments[0])
        },
        "man": Syntax(flags: [], arguments: 0...0, wrongCount: Syntax.takesNone("man")) { _, _ in .manPage },
    ]

    /// The words that name a command: the commands' and `help`.
    static let commandWords: Set<String> = Set(commands.keys.filter { !$0.isEmpty }).union(["help"])

    /// Each command word's flags ("" for none), spelled as typed (`--listen`, `-o`, `--out`), with
    /// the --config and --help every command takes: what the completion scripts offer.
    static var flagSpellings: [String: [String]] {
        commands.mapValues { syntax in
            syntax.flags.union([.config, .help]).sorted { $0.name < $1.name }.flatMap { ["--" + $0.name] + ($0.short.map { [$0] } ?? []) }
        }
    }

    /// Parses the arguments after the program's name. Flags and arguments mix freely; `--` ends
    /// the flags; the first argument that names a command (before any other) is the command.
    init(parsing argv: [String]) throws(CheckupError) {
        var word: String?
        var flags: [Flag: String] = [:]
        var arguments: [String] = []
        var rest = argv[...]
        var onlyArguments = false
        var shortO = false  // `-o` is statuspage's --out but a check's --format: the command decides
        while let arg = rest.popFirst() {
            if onlyArguments || !arg.hasPrefix("-") || arg == "-" {
                if word == nil && arguments.isEmpty && Self.commandWords.contains(arg) {
                    word = arg
                } else {
                    arguments.append(arg)
                }
                continue
            }
            if arg == "--" { onlyArguments = true; continue }
            var spelling = arg
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                spelling = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            if spelling == "-o" { shortO = true }
            guard let flag = Flag.spelled(spelling), flag.takesValue || inline == nil else {
                throw CheckupError(.usage, "unknown flag \(arg)")
            }
            if !flag.takesValue {
                flags[flag] = ""  // present
            } else if let value = inline ?? rest.popFirst() {
                flags[flag] = value  // the last one wins
            } else {
                throw CheckupError(.usage, "flag \(spelling) needs a value")
            }
        }

        // `help COMMAND` is `COMMAND --help`; its other arguments are ignored.
        var name = word ?? ""
        var wantsHelp = flags[.help] != nil
        if name == "help" {
            name = arguments.first ?? ""
            arguments = []
            wantsHelp = true
        }
        let syntax = Self.commands[name]
        if shortO, syntax?.flags.contains(.format) == true, let value = flags.removeValue(forKey: .out) { flags[.format] = value }
        let allowed = (syntax?.flags ?? []).union([.config, .help])
        if let extra = flags.keys.filter({ !allowed.contains($0) }).min(by: { $0.name < $1.name }) {
            throw CheckupError(.usage, "unknown flag --\(extra.name) for \(name.isEmpty ? "checkup" : "checkup \(name)")")
        }
        configPath = flags[.config] ?? "checkup.json"
        if configPath.isEmpty { throw CheckupError(.usage, "flag --config needs a file name, got \"\"") }
        shard = try flags[.shard].map { text throws(CheckupError) in try Shard(parsing: text) }
        if wantsHelp {
            command = .help(topic: name.isEmpty ? nil : name)
        } else if name.isEmpty && flags[.version] != nil && arguments.isEmpty {
            command = .version
        } else if let syntax {
            guard syntax.arguments.contains(arguments.count) else { throw CheckupError(.usage, syntax.wrongCount(arguments)) }
            command = try syntax.make(arguments, flags)
        } else {
            throw CheckupError(.usage, "unknown command \"\(name)\"")  // only a help topic can be another word
        }
    }
}

/// `checkup every`'s interval: a Go duration or a shortcut.
private func parseInterval(_ text: String) throws(CheckupError) -> Duration {
    let shortcuts = ["second": "1s", "minute": "1m", "hour": "1h", "day": "24h", "week": "168h"]
    let lowered = text.lowercased()
    guard let interval = Duration(goString: shortcuts[lowered] ?? lowered) else {
        throw CheckupError(.usage, "every: \"\(text)\" is not an interval (use e.g. 30s, 10m, 1h30m, hour, day)")
    }
    guard interval > .zero else {
        throw CheckupError(.usage, "every: the interval must be more than zero, not \"\(text)\"")
    }
    // Shorter ticks only pile up rounds that overrun them (a round takes its checks' time).
    guard interval >= .seconds(1) else {
        throw CheckupError(.usage, "every: \"\(text)\" is shorter than the shortest interval, 1s")
    }
    return interval
}
