import Foundation
import Testing
@testable import CheckupKit

// Serialized: these tests block a thread while the binary runs; one at a time keeps the rest of
// the suite's tasks from starving on a two-core machine.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CLITests {
    var upChecker: String { #"[{"type":"http","endpoint_name":"Up","endpoint_url":"\#(peerURL("/"))"}]"# }
    var twoCheckers: String {
        #"[{"type":"http","endpoint_name":"Up","endpoint_url":"\#(peerURL("/"))"},{"type":"http","endpoint_name":"Broken","endpoint_url":"\#(peerURL("/status/503"))"}]"#
    }

    @Test func versionAndHelp() throws {
        let version = try runCLI(["--version"], in: "/tmp")
        #expect(version.status == 0 && version.stdout == "checkup \(checkupVersion)\n" && version.stderr.isEmpty)
        let help = try runCLI(["--help"], in: "/tmp")
        #expect(help.status == 0 && help.stdout.contains("Usage: checkup") && help.stdout.contains("every INTERVAL"))
        for command in ["every", "message", "serve", "provision"] {
            let run = try runCLI([command, "-h"], in: "/tmp")
            #expect(run.status == 0 && run.stdout.contains("Usage: checkup \(command)"), "\(command) -h")
        }
        #expect(try runCLI(["help", "every"], in: "/tmp").stdout.contains("every day"))
    }

    @Test(arguments: [
        (["bogus"], #"checkup: unknown command "bogus""#),
        (["--bogus"], "checkup: unknown flag --bogus"),
        (["every"], "checkup: every needs exactly one INTERVAL, such as 10m"),
        (["every", "0s"], #"checkup: every: the interval must be more than zero, not "0s""#),
        (["every", "10d"], #"checkup: every: "10d" is not an interval (use e.g. 30s, 10m, 1h30m, hour, day)"#),
        (["every", "--", "-1m"], #"checkup: every: the interval must be more than zero, not "-1m""#),
        (["every", "1ns"], #"checkup: every: "1ns" is shorter than the shortest interval, 1s"#),
        (["every", "999ms"], #"checkup: every: "999ms" is shorter than the shortest interval, 1s"#),
        (["every", "--store", "1m"], "checkup: unknown flag --store for checkup every"),
        (["-c"], "checkup: flag -c needs a value"),
        (["message"], "checkup: message needs exactly one TEXT argument (quote it)"),
        (["serve", "--listen", "nowhere"], #"checkup: --listen: "nowhere" is not an address such as :3000 or 127.0.0.1:3000"#),
        (["provision", "gcs"], "checkup: unknown storage provider 'gcs'"),
    ] as [([String], String)])
    func usageErrorsSayWhatWasNotUnderstoodAndExitTwo(arguments: [String], message: String) throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        let run = try runCLI(arguments, in: dir)
        #expect(run.status == 2)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.first.map(String.init) == message)
        #expect(lines.count <= 3 && run.stderr.contains("--help"))
        #expect(run.stdout.isEmpty)
    }

    @Test func configProblemsAreOneLineAndExitOne() throws {
        let dir = try makeProject(checkers: #"[{"type":"http","endpoint_name":"x","endpoint_url":"htp://x"}]"#)
        defer { removeDirectory(dir) }
        let bad = try runCLI([], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr == "checkup: checkup.json: checkers[0].endpoint_url: \"htp://x\" is not an http(s) URL\n")
        let missing = try runCLI(["-c", "nope.json"], in: dir)
        #expect(missing.status == 1 && missing.stderr == "checkup: nope.json: no such file (use -c to name the config file)\n")
        try "{\"checkers\": [".write(toFile: dir + "/broken.json", atomically: true, encoding: .utf8)
        let broken = try runCLI(["--config=broken.json"], in: dir)
        #expect(broken.status == 1 && broken.stderr.hasPrefix("checkup: broken.json: invalid JSON"))
        #expect(broken.stderr.split(separator: "\n").count == 1)
    }

    @Test func plainRunPrintsResultsAndExitsOneUnlessAllHealthy() throws {
        let healthy = try makeProject(checkers: upChecker)
        defer { removeDirectory(healthy) }
        let ok = try runCLI([], in: healthy)
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("== Up - \(peerURL("/"))\n  Threshold: 0s\n        Max: "))
        #expect(ok.stdout.hasSuffix(" Assessment: healthy\n\n"))
        #expect(!ok.stdout.contains("\u{1B}"))  // not a terminal: no colour
        #expect(checkFiles(healthy + "/checks").isEmpty)

        let mixed = try makeProject(checkers: twoCheckers)
        defer { removeDirectory(mixed) }
        let bad = try runCLI([], in: mixed)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("== Broken - \(peerURL("/status/503"))"))
        #expect(bad.stdout.contains("response status 503 Service Unavailable}]\n Assessment: down\n"))
    }

    @Test func aPeersEscapeSequencesNeverReachTheTerminalRaw() throws {
        // The reason phrase is "Oops ESC]0;pwned BEL ESC[2K": a window title and a line erase.
        let checker = #"[{"type":"http","endpoint_name":"Evil","endpoint_url":"\#(peerURL("/reason"))"}]"#
        let dir = try makeProject(checkers: checker)
        defer { removeDirectory(dir) }
        let plain = try runCLI([], in: dir)
        #expect(plain.status == 1)
        #expect(!plain.stdout.contains("\u{1B}") && !plain.stdout.contains("\u{07}"))
        #expect(plain.stdout.contains(#"response status 500 Oops\x1b]0;pwned\x07\x1b[2K}"#), "\(plain.stdout)")
        // And in a log line: a notifier whose receiver answers with that reason.
        let config = #"{"checkers":\#(checker),"storage":{"type":"fs","dir":"checks"},"notifiers":[{"type":"webhook","url":"\#(peerURL("/reason"))"}]}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let stored = try runCLI(["--store"], in: dir)
        #expect(stored.status == 0)
        #expect(!stored.stderr.contains("\u{1B}") && stored.stderr.contains(#"Oops\x1b]0;pwned\x07\x1b[2K"#), "\(stored.stderr)")
    }

    @Test func aFullDiskIsSaidAndLeavesNothingHalfWritten() throws {
        // The check folder is a full 8 KiB tmpfs in a private mount namespace of the process.
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/checks", withIntermediateDirectories: true)
        let script = #"cd "$1" && mount -t tmpfs -o size=8k tmpfs checks && (dd if=/dev/zero of=checks/filler bs=1k count=64 2>/dev/null; true) && "$2" --store; echo "rc=$?"; ls -A checks"#
        let run = try runProgram("/usr/bin/unshare", ["-m", "/bin/sh", "-c", script, "sh", dir, checkupBinary])
        #expect(run.stderr == "checkup: storing a round in checks: No space left on device\n", "\(run.stderr)")
        #expect(run.stdout == "rc=1\nfiller\n", "\(run.stdout)")  // no temporary file, no check file, no index
    }

    @Test func storeWritesFilesSilentlyWhateverTheHealth() throws {
        let dir = try makeProject(checkers: twoCheckers)
        defer { removeDirectory(dir) }
        let run = try runCLI(["--store"], in: dir)
        #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty)
        let files = checkFiles(dir + "/checks")
        #expect(files.count == 1)
        let results = try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: dir + "/checks/" + files[0])))
        #expect(results.map(\.title) == ["Up", "Broken"])
        #expect(results.map(\.status) == [.healthy, .down])

        let noStorage = try makeProject(checkers: upChecker, storage: false)
        defer { removeDirectory(noStorage) }
        let refused = try runCLI(["--store"], in: noStorage)
        #expect(refused.status == 1 && refused.stderr == "checkup: no storage configured\n")
    }

    @Test func everyStoresAtOnceAndThenPerIntervalAndStopsCleanlyOnSIGTERM() throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checkupBinary)
        process.arguments = ["every", "1s"]  // the shortest interval there is
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Three rounds, however long the machine takes for them; then the spacing tells the interval.
        try waitFor(seconds: 30) { checkFiles(dir + "/checks").count >= 3 }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let files = checkFiles(dir + "/checks")
        let stamps = files.compactMap { Int64($0.prefix { $0.isNumber }) }.sorted()
        #expect(files.count >= 3 && stamps.count == files.count)
        // Round k starts at start + k × 1 s: the last is stored at least (k × 1 s less the first
        // round's own time, well under 500 ms) after the first. A loop that did not wait fails.
        if let first = stamps.first, let last = stamps.last {
            #expect(last - first >= Int64(stamps.count - 1) * 1_000_000_000 - 500_000_000, "\(stamps)")
        }
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).isEmpty)
        let index = try JSONValue.parse(try #require(FileManager.default.contents(atPath: dir + "/checks/index.json")))
        #expect(index.objectValue?.keys.sorted() == files)
    }

    @Test func sighupReloadsTheConfigAndKeepsTheOldOneWhenTheNewIsBroken() throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checkupBinary)
        process.arguments = ["every", "1s"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = Mutex2<String>("")
        let reader = Thread {
            while case let data = err.fileHandleForReading.availableData, !data.isEmpty {
                stderr.set(stderr.get() + String(decoding: data, as: UTF8.self))  // the only writer
            }
        }
        reader.start()
        try waitFor(seconds: 30) { checkFiles(dir + "/checks").count >= 1 }
        // A broken config: reported, and the rounds go on with the old one.
        try "{\"checkers\": [".write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try waitFor(seconds: 30) { stderr.get().contains("the config in use is kept") }
        let before = checkFiles(dir + "/checks").count
        try waitFor(seconds: 30) { checkFiles(dir + "/checks").count > before }
        // A good one: its checker runs from the next round on.
        let renamed = upChecker.replacingOccurrences(of: #""Up""#, with: #""Reloaded""#)
        try #"{"checkers":\#(renamed),"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try waitFor(seconds: 30) {
            checkFiles(dir + "/checks").contains { name in
                (FileManager.default.contents(atPath: dir + "/checks/" + name)).map { String(decoding: $0, as: UTF8.self).contains("Reloaded") } ?? false
            }
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        reader.cancel()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let lines = stderr.get().split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }  // less the time stamp
        #expect(lines.first?.hasPrefix("reloading checkup.json: checkup.json: ") == true && lines.first?.hasSuffix("; the config in use is kept") == true, "\(lines)")
        #expect(lines.dropFirst().first == "reloaded checkup.json", "\(lines)")
    }

    @Test func everyWithoutStorageOrCheckersRefusesToStart() throws {
        let noStorage = try makeProject(checkers: upChecker, storage: false)
        defer { removeDirectory(noStorage) }
        #expect(try runCLI(["every", "minute"], in: noStorage).stderr == "checkup: no storage configured\n")
        let noCheckers = try makeProject(checkers: "[]")
        defer { removeDirectory(noCheckers) }
        let run = try runCLI(["every", "Hour"], in: noCheckers)
        #expect(run.status == 1 && run.stderr == "checkup: no checkers configured\n")
    }

    @Test func messageIsAttachedToTheNamedEndpointAndStored() throws {
        let dir = try makeProject(checkers: twoCheckers)
        defer { removeDirectory(dir) }
        let run = try runCLI(["message", "--about=broken", "Investigating <b>503s</b>"], in: dir)
        #expect(run.status == 0 && run.stdout == "Message posted\n")
        let files = checkFiles(dir + "/checks")
        let results = try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: dir + "/checks/" + files[0])))
        #expect(results.map(\.message) == ["", "Investigating <b>503s</b>"])

        let ambiguous = try runCLI(["message", "hello"], in: dir)
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.hasPrefix("checkup: more than one result; unable to guess which one to attach message to"))
        let unknown = try runCLI(["message", "-a", "Nope", "hello"], in: dir)
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix("checkup: no result for endpoint with title 'Nope'"))
        #expect(checkFiles(dir + "/checks").count == 1)
    }

    @Test func provisionNeedsAProvisionableStorage() throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        let run = try runCLI(["provision"], in: dir)
        #expect(run.status == 1 && run.stderr == "checkup: configured storage type does not have provisioning capabilities\n")
        let s3 = try runCLI(["provision", "s3"], in: dir, environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_BUCKET_NAME": ""])
        #expect(s3.status == 2)
        #expect(s3.stderr.hasPrefix("checkup: provision s3 needs the environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_BUCKET_NAME"))
    }

    @Test func tenProcessesStoringIntoOneDirectoryLoseNothing() throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        var processes: [Process] = []
        for _ in 0..<10 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: checkupBinary)
            p.arguments = ["--store"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            try p.run()
            processes.append(p)
        }
        processes.forEach { $0.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let files = checkFiles(dir + "/checks")
        #expect(files.count == 10)
        let index = try JSONValue.parse(try #require(FileManager.default.contents(atPath: dir + "/checks/index.json")))
        #expect(index.objectValue?.keys.sorted() == files)
    }

    @Test func killingAStoringProcessNeverLeavesATruncatedFile() throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        // `--store` processes killed at a different moment each: before, while and after storing.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<24 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: checkupBinary)
            p.arguments = ["--store"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 20_000...200_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        for _ in 0..<11 { #expect(try runCLI(["--store"], in: dir).status == 0) }
        let files = checkFiles(dir + "/checks")
        #expect(files.count > 10)
        for name in files {
            let data = try #require(FileManager.default.contents(atPath: dir + "/checks/" + name))
            #expect(try CheckResult.decodeCheckFile(data, name: name).count == 1, "\(name)")
        }
        // The index is whole too, and the next store brings back any entry a kill cut off.
        #expect(try runCLI(["--store"], in: dir).status == 0)
        let index = try JSONValue.parse(try #require(FileManager.default.contents(atPath: dir + "/checks/index.json")))
        #expect(index.objectValue?.keys.sorted() == checkFiles(dir + "/checks"))
    }

    @Test func serveAnswersThePageTheStoreAndNothingElse() async throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        #expect(try runCLI(["--store"], in: dir).status == 0)
        let name = try #require(checkFiles(dir + "/checks").first)
        let serve = try ServeProcess(in: dir)
        let base = serve.base

        let page = try await httpGet(base + "/")
        #expect(page.status == 200 && page.body.contains("<html") && !page.body.contains("Error"))
        #expect(page.response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.response.header("Content-Security-Policy")?.contains("default-src 'self'") == true)

        let index = try await httpGet(base + "/index.json?t=123")
        #expect(index.status == 200 && index.body.contains(name))
        #expect(index.response.header("Content-Type") == "application/json")

        let check = try await httpGet(base + "/" + name)
        #expect(check.status == 200)
        #expect(check.body == String(decoding: try #require(FileManager.default.contents(atPath: dir + "/checks/" + name)), as: UTF8.self))
        let etag = try #require(check.response.header("ETag"))
        let revalidated = try await httpGet(base + "/" + name, headers: ["If-None-Match: \(etag)"])
        #expect(revalidated.status == 304 && revalidated.body.isEmpty)
        let lastModified = try #require(check.response.header("Last-Modified"))
        #expect(try await httpGet(base + "/" + name, headers: ["If-Modified-Since: \(lastModified)"]).status == 304)

        // The summaries: the manifest names this node, whose summary holds the stored round.
        let manifest = try await httpGet(base + "/summaries/index.json")
        #expect(manifest.status == 200 && manifest.body.hasPrefix(#"{"version":1,"origins":[""#))
        let origin = try #require(try JSONValue.parse(Data(manifest.body.utf8)).objectValue?["origins"]?.arrayValue?.first?.stringValue)
        let summary = try await httpGet(base + "/summaries/\(origin).json")
        #expect(summary.status == 200 && summary.response.header("ETag") != nil)
        #expect(try StatusSummary(jsonData: Data(summary.body.utf8), name: "served").endpoints.map(\.title) == ["Up"])
        #expect(try await httpGet(base + "/summaries/nobody.json").status == 404)

        // Text is gzipped for a client that accepts it, with its own ETag.
        let plainScript = try await httpGet(base + "/js/statuspage.js")
        let zipped = try await httpGet(base + "/js/statuspage.js", headers: ["Accept-Encoding: gzip"])
        #expect(zipped.response.header("Content-Encoding") == "gzip" && zipped.response.header("Vary") == "Accept-Encoding")
        #expect(try Gzip.decompress(zipped.response.body) == plainScript.response.body)
        #expect(zipped.response.body.count < plainScript.response.body.count / 2)
        let zippedTag = try #require(zipped.response.header("ETag"))
        #expect(zippedTag.hasSuffix("-gz\"") && zippedTag != plainScript.response.header("ETag"))
        #expect(try await httpGet(base + "/js/statuspage.js", headers: ["Accept-Encoding: gzip", "If-None-Match: \(zippedTag)"]).status == 304)
        #expect(plainScript.response.header("Content-Encoding") == nil)

        let script = try await httpGet(base + "/js/config.js")
        #expect(script.status == 200 && script.response.header("Content-Type") == "text/javascript; charset=utf-8")

        for path in ["/../checkup.json", "/%2e%2e/checkup.json", "/js/../../checkup.json", "/checkup.json",
                     "/.index.lock", "/9-check.json", "/js/", "/nothing.html", "/summaries/../checkup.json", "/summaries/.x.json",
                     "/.summaries.lock"] {
            #expect(try await httpGet(base + path).status == 404, "\(path)")
        }
        var post = TransferRequest(url: base + "/index.json")
        post.method = "POST"
        post.body = Array("x".utf8)
        #expect(try await CurlEngine.shared.perform(post).status == 405)

        #expect(serve.stop() == 0)  // SIGTERM ends it cleanly
    }

    @Test func serveAnswersAnEmptyManifestForAStoreWithoutSummaries() async throws {
        let dir = try makeProject(checkers: upChecker)
        defer { removeDirectory(dir) }
        let serve = try ServeProcess(in: dir)
        let manifest = try await httpGet(serve.base + "/summaries/index.json")
        #expect(manifest.status == 200 && manifest.body == #"{"version":1,"origins":[]}"#)
        withExtendedLifetime(serve) {}
    }

    @Test func serveNeedsStorage() throws {
        let dir = try makeProject(checkers: upChecker, storage: false)
        defer { removeDirectory(dir) }
        let run = try runCLI(["serve"], in: dir)
        #expect(run.status == 1 && run.stderr == "checkup: no storage configured\n")
    }
}
