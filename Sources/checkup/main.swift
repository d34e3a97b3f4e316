import CheckupKit
import Dispatch
import Foundation

// The `checkup` command: parses arguments, calls CheckupKit, and maps errors to one line on
// standard error and an exit status (0 ok, 1 failure or unhealthy, 2 usage).

signal(SIGPIPE, SIG_IGN)

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A log line as Go's `log` package writes it: `2006/01/02 15:04:05 message`.
let standardErrorLog = LogSink { line in
    var t = time(nil)
    var parts = tm()
    localtime_r(&t, &parts)
    let stamp = String(format: "%04d/%02d/%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1,
                       parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    printError("\(stamp) \(line)")
}

/// Waits for SIGINT or SIGTERM.
func waitForTerminationSignal() async {
    let (stream, continuation) = AsyncStream<Void>.makeStream()
    var sources: [any DispatchSourceSignal] = []
    for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        sources.append(source)
    }
    for await _ in stream { break }
    sources.forEach { $0.cancel() }
}

func loadCheckup(_ args: Arguments) throws -> Checkup {
    var checkup = try Checkup(configFile: args.configPath)
    checkup.log = standardErrorLog
    return checkup
}

/// `checkup every`'s interval: a Go duration or a shortcut.
func parseInterval(_ text: String) throws -> Duration {
    let shortcuts = ["second": "1s", "minute": "1m", "hour": "1h", "day": "24h", "week": "168h"]
    let lowered = text.lowercased()
    guard let interval = Duration(goString: shortcuts[lowered] ?? lowered) else {
        throw CheckupError(.usage, "every: \"\(text)\" is not an interval (use e.g. 30s, 10m, 1h30m, hour, day)")
    }
    guard interval > .zero else {
        throw CheckupError(.usage, "every: the interval must be more than zero, not \"\(text)\"")
    }
    return interval
}

/// The status page folder: --statuspage, else ./statuspage, else one beside or above the binary.
func findStatusPage(_ flag: String?) throws -> String {
    if let flag {
        guard FileManager.default.fileExists(atPath: flag + "/index.html") else {
            throw CheckupError(.usage, "--statuspage: \(flag) has no index.html")
        }
        return flag
    }
    if FileManager.default.fileExists(atPath: "statuspage/index.html") { return "statuspage" }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        for candidate in ["statuspage", "share/checkup/statuspage"] {
            let path = dir.appendingPathComponent(candidate).path
            if FileManager.default.fileExists(atPath: path + "/index.html") { return path }
        }
        dir.deleteLastPathComponent()
    }
    throw CheckupError(.config, "serve: no statuspage folder found here or beside the checkup binary; pass --statuspage DIR")
}

func run(_ args: Arguments) async throws -> Int32 {
    if args.has("help") {
        print(Help.text(args.command))
        return 0
    }
    switch args.command {
    case "":
        if args.has("version") {
            print("checkup \(checkupVersion)")
            return 0
        }
        if let extra = args.positionals.first {
            throw CheckupError(.usage, "unknown command \"\(extra)\"")
        }
        let checkup = try loadCheckup(args)
        if args.has("store") {
            guard checkup.storage != nil else { throw CheckupError(.config, "no storage configured") }
            try await checkup.checkAndStore()
            return 0
        }
        let results = try await checkup.check()
        let colored = isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        for result in results {
            print(result.description(colored: colored))
        }
        return results.allSatisfy { $0.status == .healthy } ? 0 : 1

    case "every":
        guard args.positionals.count == 1 else {
            throw CheckupError(.usage, "every needs exactly one INTERVAL, such as 10m")
        }
        let interval = try parseInterval(args.positionals[0])
        let checkup = try loadCheckup(args)
        guard !checkup.checkers.isEmpty else { throw CheckupError(.config, "no checkers configured") }
        guard checkup.storage != nil else { throw CheckupError(.config, "no storage configured") }
        let schedule = checkup.checkAndStoreEvery(interval)
        await waitForTerminationSignal()
        schedule.stop()
        await schedule.wait()
        return 0

    case "message":
        guard args.positionals.count == 1 else {
            throw CheckupError(.usage, "message needs exactly one TEXT argument (quote it)")
        }
        let about = args.flags["about"] ?? ""
        let checkup = try loadCheckup(args)
        guard checkup.storage != nil else { throw CheckupError(.config, "no storage configured") }
        var results = try await checkup.check()
        let index: Int
        if about.isEmpty {
            guard results.count == 1 else {
                throw CheckupError(.usage, "more than one result; unable to guess which one to attach message to (use --about)")
            }
            index = 0
        } else {
            guard let i = results.firstIndex(where: { $0.title.lowercased() == about.lowercased() }) else {
                throw CheckupError(.usage, "no result for endpoint with title '\(about)'")
            }
            index = i
        }
        results[index].message = args.positionals[0]
        try await checkup.store(results)
        print("Message posted")
        return 0

    case "serve":
        if !args.positionals.isEmpty { throw CheckupError(.usage, "serve takes no arguments, got \"\(args.positionals[0])\"") }
        let checkup = try loadCheckup(args)
        guard let configured = checkup.storage else { throw CheckupError(.config, "no storage configured") }
        guard let storage = configured as? any StorageReader else {
            throw CheckupError(.config, "configured storage type does not have reading capabilities")
        }
        let page = try findStatusPage(args.flags["statuspage"])
        let listen = args.flags["listen"] ?? ":3000"
        let server = try StatusPageServer(listen: listen, pageDirectory: page, storage: storage)
        server.start()
        var host = String(listen[..<(listen.lastIndex(of: ":") ?? listen.endIndex)])
        if host.isEmpty { host = "localhost" }
        let source = (storage as? FileSystemStorage)?.directory ?? (storage as? S3Storage).map { "s3://\($0.bucket)" } ?? "storage"
        print("Serving the status page at http://\(host):\(server.port)/ (check files from \(source), page \(page)); Ctrl-C stops")
        fflush(nil)  // the banner must reach a pipe now, not at exit
        await waitForTerminationSignal()
        server.stop()
        return 0

    case "statuspage":
        if !args.positionals.isEmpty { throw CheckupError(.usage, "statuspage takes no arguments, got \"\(args.positionals[0])\"") }
        guard let out = args.flags["out"], !out.isEmpty else { throw CheckupError(.usage, "statuspage needs --out DIR") }
        let checkup = try loadCheckup(args)
        guard let storage = checkup.storage else { throw CheckupError(.config, "no storage configured") }
        let page = try findStatusPage(args.flags["statuspage"])
        let export = try StatusPageExport(pageDirectory: page, storage: storage, outputDirectory: out, url: args.flags["url"])
        let files = try export.write(to: out)
        print("Wrote the status page to \(out) (\(files.count) files); it reads the store at \(export.storageURL)")
        return 0

    case "summarize":
        if !args.positionals.isEmpty { throw CheckupError(.usage, "summarize takes no arguments, got \"\(args.positionals[0])\"") }
        let checkup = try loadCheckup(args)
        guard let storage = checkup.storage else { throw CheckupError(.config, "no storage configured") }
        guard let reader = storage as? any StorageReader, let summaries = checkup.summaries else {
            throw CheckupError(.config, "configured storage type does not keep status summaries")
        }
        let summary = try await summaries.rebuild(from: reader)
        let results = summary.endpoints.reduce(0) { $0 + $1.days.reduce(0) { $0 + $1.count } }
        print("Rebuilt \(StatusSummaries.key(for: summaries.origin)): \(summary.endpoints.count) endpoint\(summary.endpoints.count == 1 ? "" : "s"), \(results) result\(results == 1 ? "" : "s") in the last \(StatusSummary.retentionDays) days")
        return 0

    case "provision":
        guard args.positionals.count <= 1 else { throw CheckupError(.usage, "provision takes at most one argument, the storage type") }
        let storage: any Storage
        if let provider = args.positionals.first?.lowercased() {
            guard provider == "s3" else { throw CheckupError(.usage, "unknown storage provider '\(provider)'") }
            let env = ProcessInfo.processInfo.environment
            let missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BUCKET_NAME"].filter { (env[$0] ?? "").isEmpty }
            guard missing.isEmpty else {
                throw CheckupError(.usage, "provision s3 needs the environment variables \(missing.joined(separator: ", "))")
            }
            // All three checked above; AWS_ENDPOINT_URL names an S3-compatible service.
            storage = S3Storage(accessKeyID: env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: env["AWS_SECRET_ACCESS_KEY"]!,
                                region: env["AWS_REGION"] ?? "", bucket: env["AWS_BUCKET_NAME"]!,
                                endpoint: env["AWS_ENDPOINT_URL"] ?? "")
        } else {
            guard let configured = try loadCheckup(args).storage else {
                throw CheckupError(.config, "no storage configuration found")
            }
            storage = configured
        }
        guard let provisioner = storage as? any Provisioner else {
            throw CheckupError(.config, "configured storage type does not have provisioning capabilities")
        }
        print("One sec...")
        fflush(nil)
        print(try await provisioner.provision())
        if let s3 = storage as? S3Storage {
            print("The user \(S3Storage.publicUserName) may only list and read the objects of bucket \(s3.bucket)")
            print("(an inline policy), not every bucket of the account as the original's AmazonS3ReadOnlyAccess.")
        }
        return 0

    default:
        throw CheckupError(.usage, "unknown command \"\(args.command)\"")
    }
}

let status: Int32
do {
    let args = try Arguments(Array(CommandLine.arguments.dropFirst()))
    status = try await run(args)
} catch let error as CheckupError where error.code == .usage {
    printError("checkup: \(error.message)")
    let command = CommandLine.arguments.dropFirst().first { Arguments.commands.contains($0) } ?? ""
    printError(Help.usage(command))
    printError("Run 'checkup --help' for more.")
    status = 2
} catch let error as CheckupError {
    printError("checkup: \(error.message)")
    status = 1
} catch is CancellationError {
    status = 1
} catch {
    printError("checkup: \(error)")
    status = 1
}
exit(status)
