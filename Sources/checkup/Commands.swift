import CheckupKit
import Dispatch
import Foundation

// Running the commands: one function each, sharing the config loading and the storage check.

extension Invocation {
    /// Runs the command and returns the exit status: 0, or 1 when a plain check finds an
    /// endpoint that is not healthy. Errors are thrown for `main` to report.
    func run() async throws -> Int32 {
        switch command {
        case .check(let store, let output): return try await check(store: store, output: output)
        case .checkOne(let name, let explain, let output): return try await checkOne(name, explain: explain, output: output)
        case .every(let interval): try await every(interval)
        case .message(let about, let text): try await message(about: about, text: text)
        case .serve(let listen, let page): try await serve(listen: listen, page: page)
        case .statuspage(let out, let url, let page): try statuspage(out: out, url: url, page: page)
        case .incident(let command): try await incident(command)
        case .maintenance(let command): try await maintenance(command)
        case .summarize: try await summarize()
        case .report(let month, let format): print(try await loadCheckup().report(month: month).text(format), terminator: "")
        case .provision(let provider, let heartbeat): try await provision(provider, heartbeat: heartbeat)
        case .push(let name, let failed, let message): try await push(name, failed: failed, message: message)
        case .validate: return validate()
        case .initialize(let urls): try initialize(urls)
        case .completion, .manPage, .help, .version: print(text ?? "", terminator: "")
        }
        return 0
    }

    /// What a command that only prints fixed text prints (help, version, completion, the man
    /// page), else nil. `main` prints it without starting a task, so no thread pool is started.
    var text: String? {
        switch command {
        case .completion(let shell): Completion.script(for: shell)
        case .manPage: ManPage.text
        case .help(let topic): Help.text(topic) + "\n"
        case .version: "checkup \(checkupVersion)\n"
        default: nil
        }
    }

    /// The config file's checkup, logging to standard error.
    func loadCheckup() throws -> Checkup {
        var checkup = try Checkup(configFile: configPath)
        checkup.log = standardErrorLog
        if let shard { checkup.select(shard) }
        return checkup
    }

    /// The configured storage, or a config error that says `missing`.
    private func requireStorage(_ checkup: Checkup,
                                else missing: String = "no storage configured") throws(CheckupError) -> any Storage {
        guard let storage = checkup.storage else { throw CheckupError(.config, missing) }
        return storage
    }

    /// `checkup [--store]`: prints the results in `output`'s format (1 unless all are healthy),
    /// or stores them, printing them only when a format or an output file was asked for.
    private func check(store: Bool, output: OutputOptions) async throws -> Int32 {
        var checkup = try loadCheckup()
        let types = checkup.checkers.map(Checkup.typeName)
        // Never with machine-read output (json, prometheus), whatever standard error is.
        let progress = output.isMachineRead ? nil : TerminalProgress.make("checking")
        if let progress { checkup.progress = progress.sink }
        defer { progress?.finish() }
        if store {
            _ = try requireStorage(checkup)
            let results = try await checkup.checkAndStore()
            progress?.finish()
            if output.isRequested { try output.write(results, types: types) }
            return 0
        }
        let results = try await checkup.runChecks()
        progress?.finish()
        do { try output.write(results, types: types) } catch {
            await checkup.notify(results)
            throw error
        }
        fflush(nil)  // the results are out before any receiver is waited for
        await checkup.notify(results)
        return results.allSatisfy { $0.status == .healthy } ? 0 : 1
    }

    /// `checkup every INTERVAL`: checks and stores until SIGINT or SIGTERM; SIGHUP reloads the
    /// config (a broken one is reported and the one in use kept).
    private func every(_ interval: Duration) async throws {
        let signals = TerminationSignal(reload: true)
        func load() throws -> Checkup {
            let checkup = try loadCheckup()
            guard !checkup.checkers.isEmpty else { throw CheckupError(.config, "no checkers configured") }
            _ = try requireStorage(checkup)
            return checkup
        }
        var schedule = try load().checkAndStoreEvery(interval)
        while await signals.next() == SIGHUP {
            do {
                let reloaded = try load()
                schedule.stop()  // a round in progress is abandoned; the new loop starts one at once
                await schedule.wait()
                schedule = reloaded.checkAndStoreEvery(interval)
                standardErrorLog.write("reloaded \(configPath)")
            } catch {
                standardErrorLog.write("reloading \(configPath): \((error as? CheckupError)?.message ?? "\(error)"); the config in use is kept")
            }
        }
        schedule.stop()
        await schedule.wait()
    }

    /// `checkup message [--about TITLE] TEXT`: checks once and stores the results with `text`
    /// attached to the one titled `about` (compared without case), or to the only one.
    private func message(about: String?, text: String) async throws {
        let checkup = try loadCheckup()
        _ = try requireStorage(checkup)
        var results = try await checkup.runChecks()
        let index: Int
        if let about {
            guard let i = results.firstIndex(where: { $0.title.lowercased() == about.lowercased() }) else {
                throw CheckupError(.usage, "no result for endpoint with title '\(about)'")
            }
            index = i
        } else {
            guard results.count == 1 else {
                throw CheckupError(.usage, "more than one result; unable to guess which one to attach message to (use --about)")
            }
            index = 0
        }
        results[index].message = text
        try await checkup.store(results)  // stored first: a slow receiver never holds it up
        print("Message posted")
        fflush(nil)
        await checkup.notify(results)
    }

    /// `checkup serve`: serves the page and the readable store until SIGINT or SIGTERM.
    private func serve(listen: String, page: String?) async throws {
        let termination = TerminationSignal()  // before the banner: a SIGTERM right after it is caught
        let checkup = try loadCheckup()
        guard let storage = try requireStorage(checkup) as? any StorageReader else {
            throw CheckupError(.config, "configured storage type does not have reading capabilities")
        }
        let page = try findStatusPage(page)
        let server = try StatusPageServer(listen: listen, pageDirectory: page, storage: storage, endpointTypes: checkup.endpointTypes)
        server.start()
        var host = String(listen[..<(listen.lastIndex(of: ":") ?? listen.endIndex)])
        if host.isEmpty { host = "localhost" }
        let source = (storage as? FileSystemStorage)?.directory ?? (storage as? S3Storage).map { "s3://\($0.bucket)" } ?? "storage"
        print("Serving the status page at http://\(host):\(server.port)/ (check files from \(source), page \(page)); Ctrl-C stops")
        fflush(nil)  // the banner must reach a pipe now, not at exit
        await termination.wait()
        server.stop()
    }

    /// `checkup statuspage --out DIR`: writes a copy of the page that reads the store at `url`.
    private func statuspage(out: String, url: String?, page: String?) throws {
        let storage = try requireStorage(loadCheckup())
        let page = try findStatusPage(page)
        let export = try StatusPageExport(pageDirectory: page, storage: storage, outputDirectory: out, url: url)
        let files = try export.write(to: out)
        print("Wrote the status page to \(out) (\(files.count) files); it reads the store at \(export.storageURL)")
    }

    /// `checkup summarize`: rebuilds every origin's summary from the check files, a line each.
    private func summarize() async throws {
        let checkup = try loadCheckup()
        guard let reader = try requireStorage(checkup) as? any StorageReader, let summaries = checkup.summaries else {
            throw CheckupError(.config, "configured storage type does not keep status summaries")
        }
        let progress = TerminalProgress.make("reading")
        let maintenance = try await checkup.pastMaintenance(at: CheckResult.now())
        let (rebuilt, skipped) = try await summaries.rebuildReporting(from: reader, progress: progress?.sink ?? .discard, maintenance: maintenance)
        progress?.finish()
        for (_, reason) in skipped {
            printError("checkup: summarize: skipped \(reason)")
        }
        for summary in rebuilt {
            let endpoints = summary.endpoints.count
            let results = summary.endpoints.reduce(0) { $0 + $1.days.reduce(0) { $0 + $1.count } }
            print("Rebuilt \(StatusSummaries.key(for: summary.origin)): \(endpoints) endpoint\(endpoints == 1 ? "" : "s"), \(results) result\(results == 1 ? "" : "s") in the last \(StatusSummary.retentionDays) days")
        }
    }

    /// `checkup provision [s3]`: provisions the configured storage, or S3 described by the environment.
    private func provision(_ provider: String?, heartbeat: Bool) async throws {
        let storage: any Storage
        if let provider {
            guard provider == "s3" else { throw CheckupError(.usage, "unknown storage provider '\(provider)'") }
            do {
                storage = try S3Storage(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw CheckupError(.usage, "provision \(error.message)")  // "provision s3 needs the environment variables …"
            }
        } else {
            storage = try requireStorage(loadCheckup(), else: "no storage configuration found")
        }
        if heartbeat { return try await provisionHeartbeatPusher(storage) }
        guard let provisioner = storage as? any Provisioner else {
            throw CheckupError(.config, "configured storage type does not have provisioning capabilities")
        }
        print("One sec...")
        fflush(nil)
        let progress = TerminalProgress.make("provisioning: step")
        let info = try await { () async throws -> ProvisionInfo in
            defer { progress?.finish() }
            return try await provisioner.provision(progress: progress?.sink ?? .discard)
        }()
        print(info)
        if let s3 = storage as? S3Storage {
            print("The user \(S3Storage.publicUserName) may only list and read the objects of bucket \(s3.bucket)")
            print("(an inline policy), not every bucket of the account as the original's AmazonS3ReadOnlyAccess.")
        }
    }
}

/// The status page folder: `flag`, else ./statuspage, else one beside or above the binary.
private func findStatusPage(_ flag: String?) throws(CheckupError) -> String {
    if let flag {
        guard FileManager.default.fileExists(atPath: flag + "/index.html") else {
            throw CheckupError(.usage, "--statuspage: \(flag) has no index.html")
        }
        return flag
    }
    if FileManager.default.fileExists(atPath: "statuspage/index.html") { return "statuspage" }
    var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        for candidate in ["statuspage", "share/checkup/statuspage"] {
            let path = dir.appendingPathComponent(candidate).path
            if FileManager.default.fileExists(atPath: path + "/index.html") { return path }
        }
        dir.deleteLastPathComponent()
    }
    throw CheckupError(.config, "serve: no statuspage folder found here or beside the checkup binary; pass --statuspage DIR")
}

/// SIGINT and SIGTERM (and SIGHUP, for `every`), caught from the moment this is made (before
/// `serve` prints its banner, so a signal sent right after the banner is not lost).
private final class TerminationSignal: @unchecked Sendable {  // set up once, then only read
    private let stream: AsyncStream<Int32>
    private var sources: [any DispatchSourceSignal] = []
    private var iterator: AsyncStream<Int32>.Iterator

    init(reload: Bool = false) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(4))
        self.stream = stream
        iterator = stream.makeAsyncIterator()
        for sig in [SIGINT, SIGTERM] + (reload ? [SIGHUP] : []) {
            signal(sig, SIG_IGN)  // first, as libdispatch wants: a source does not see a signal otherwise
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// The next signal (also one that came before this was called).
    func next() async -> Int32 {
        await iterator.next() ?? SIGTERM
    }

    /// Returns when SIGINT or SIGTERM arrived.
    func wait() async {
        while await next() == SIGHUP {}
        sources.forEach { $0.cancel() }
    }
}

/// Writes one line to standard error, its control characters escaped (errors quote peers).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((terminalSafe(line) + "\n").utf8))
}

/// A log line as Go's `log` package writes it: `2006/01/02 15:04:05 message`.
private let standardErrorLog = LogSink { line in
    var t = time(nil)
    var parts = tm()
    localtime_r(&t, &parts)
    let stamp = String(format: "%04d/%02d/%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1,
                       parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    printError("\(stamp) \(line)")
}
