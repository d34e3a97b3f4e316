import Foundation
import Testing
@testable import CheckupKit

/// The text exposition format `text` parsed by prometheus_client's parser
/// (testdata/peers/promparse.py): family types by name, and every sample.
struct ParsedMetrics {
    var families: [String: String]
    var samples: [(name: String, labels: [String: String], value: Double)]

    init(_ text: String) throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try text.write(toFile: dir + "/metrics.txt", atomically: true, encoding: .utf8)
        let script = repositoryRoot.appendingPathComponent("testdata/peers/promparse.py").path
        let run = try runProgram("/bin/sh", ["-c", "python3 \"$0\" < \"$1\"", script, dir + "/metrics.txt"])
        guard run.status == 0 else { throw CheckupError(.format, "prometheus_client refused the text: \(run.stderr)\n\(text)") }
        let top = try JSONValue.parse(Data(run.stdout.utf8)).objectValue ?? JSONObject()
        families = [:]
        for (name, type) in top["families"]?.objectValue?.pairs ?? [] { families[name] = type.stringValue }
        samples = (top["samples"]?.arrayValue ?? []).compactMap { item in
            guard let row = item.arrayValue, row.count == 3, let name = row[0].stringValue, let labels = row[1].objectValue else { return nil }
            var map: [String: String] = [:]
            for (k, v) in labels.pairs { map[k] = v.stringValue }
            let value: Double = switch row[2] {
            case .int(let i): Double(i)
            case .double(let d): d
            default: .nan
            }
            return (name, map, value)
        }
    }

    /// The value of the one sample of `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { k, v in sample.labels[k] == v } }
        return matching.count == 1 ? matching[0].value : nil
    }
}

/// `checkup` run under a pseudo-terminal (util-linux `script`), in `directory`: what a person at
/// a terminal sees. Its output has the terminal's CR LF line ends.
func runOnTerminal(_ arguments: [String], in directory: String, environment: [String] = []) throws -> CLIRun {
    let command = (["cd", directory, "&&", "env"] + environment + [checkupBinary] + arguments)
        .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        .replacingOccurrences(of: "'&&'", with: "&&") + " 2>/dev/null"  // no progress line: stdout alone
    var run = try runProgram("/usr/bin/script", ["-qec", command, "/dev/null"])
    run.stdout = run.stdout.replacingOccurrences(of: "\r\n", with: "\n")
    return run
}

/// `runCLI` on a Dispatch thread: these suites run beside the others, and a blocked thread of
/// the cooperative pool (two on a two-core machine) would starve their timing-sensitive tasks.
func cli(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> CLIRun {
    try await offPool { try runCLI(arguments, in: directory, environment: environment) }
}

/// `runOnTerminal` on a Dispatch thread.
func onTerminal(_ arguments: [String], in directory: String, environment: [String] = []) async throws -> CLIRun {
    try await offPool { try runOnTerminal(arguments, in: directory, environment: environment) }
}

/// `ParsedMetrics(text)` on a Dispatch thread (it runs the Python parser).
func parsed(_ text: String) async throws -> ParsedMetrics {
    try await offPool { try ParsedMetrics(text) }
}

extension CLITests {
    /// Nested in CLITests, so its runs of the binary take turns with CLITests' own: one at a
    /// time keeps the rest of the suite from starving on a two-core machine.
    @Suite struct OutputFormatTests {
        var twoCheckers: String {
            #"[{"type":"http","endpoint_name":"Up","endpoint_url":"\#(peerURL("/"))"},{"type":"http","endpoint_name":"Broken","endpoint_url":"\#(peerURL("/status/503"))"}]"#
        }

        @Test func textIsTheOriginalsFormAndTheDefaultWhenStdoutIsNoTerminal() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            for arguments in [[], ["--format", "text"], ["-o", "TEXT"]] {
                let run = try await cli(arguments, in: dir)
                #expect(run.status == 1, "\(arguments)")
                #expect(run.stdout.hasPrefix("== Up - \(peerURL("/"))\n  Threshold: 0s\n        Max: "), "\(arguments)")
                #expect(run.stdout.contains("response status 503 Service Unavailable}]\n Assessment: down\n\n"), "\(arguments)")
                #expect(!run.stdout.contains("\u{1B}"))
            }
        }

        @Test func tableIsTheDefaultOnATerminalAlignedColouredUnlessNoColorAndSummed() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            let coloured = try await onTerminal([], in: dir, environment: ["-u", "NO_COLOR", "TERM=xterm"])
            #expect(coloured.status == 1)
            #expect(coloured.stdout.contains("\u{1B}[32mhealthy  \u{1B}[0mUp      "))
            #expect(coloured.stdout.contains("\u{1B}[31mdown     \u{1B}[0mBroken  "))

            let plain = try await onTerminal([], in: dir, environment: ["NO_COLOR=1"])
            let lines = plain.stdout.split(separator: "\n").map(String.init)
            #expect(!plain.stdout.contains("\u{1B}"))
            #expect(lines.count == 4)
            #expect(lines.first?.hasPrefix("STATE    NAME    RTT ") == true && lines.first?.hasSuffix("  REASON") == true)
            #expect(lines.count > 2 && lines[1].hasPrefix("healthy  Up      ") && lines[2].hasPrefix("down     Broken  "))
            #expect(lines.count > 2 && lines[2].hasSuffix("  response status 503 Service Unavailable"))
            // The reason starts in the same column on every line.
            #expect(lines.count > 2 && lines[0].range(of: "REASON")?.lowerBound.utf16Offset(in: lines[0])
                    == lines[2].range(of: "response")?.lowerBound.utf16Offset(in: lines[2]))
            #expect(lines.last == "2 endpoints: 1 healthy, 1 down")

            let asked = try await cli(["--format", "table"], in: dir)  // asked for off a terminal: never coloured
            #expect(asked.status == 1 && asked.stdout.hasPrefix("STATE    NAME    RTT") && !asked.stdout.contains("\u{1B}"))
        }

        @Test func jsonIsTheResultsArrayExactlyAsTheCheckFileStoresIt() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            let run = try await cli(["--format", "json"], in: dir)
            #expect(run.status == 1)
            let results = try CheckResult.decodeCheckFile(Data(run.stdout.utf8))
            #expect(results.map(\.title) == ["Up", "Broken"] && results.map(\.status) == [.healthy, .down])
            #expect(run.stdout.hasPrefix(#"[{"title":"Up","endpoint":""#) && run.stdout.hasSuffix("}]\n"))

            // With --store, the round is stored and printed: the same bytes as its check file.
            let stored = try await cli(["--store", "-o", "json"], in: dir)
            #expect(stored.status == 0)  // --store's status, as without a format
            let name = try #require(checkFiles(dir + "/checks").first)
            let file = try #require(FileManager.default.contents(atPath: dir + "/checks/" + name))
            #expect(stored.stdout == String(decoding: file, as: UTF8.self))
            #expect(try await cli(["--store"], in: dir).stdout.isEmpty)  // without a format, silent as before
        }

        @Test func prometheusOutputParsesWithTheLabelsCleanedAndEscaped() async throws {
            let checkers = #"""
                [{"type":"http","endpoint_name":"Up \"main\" \\ site","endpoint_url":"http://user:pw@127.0.0.1:\#(httpPeer.port)/?q=1#top"},
                 {"type":"http","endpoint_name":"Broken","endpoint_url":"\#(peerURL("/status/503"))","attempts":2},
                 {"type":"tls","endpoint_name":"Cert","endpoint_url":"\#(tlsPeers.address("good"))","trusted_roots":["\#(tlsPeers.caFile)"]}]
                """#
            let dir = try makeProject(checkers: checkers)
            defer { removeDirectory(dir) }
            let run = try await cli(["--format", "prometheus"], in: dir)
            #expect(run.status == 1)
            #expect(!run.stdout.contains("pw") && !run.stdout.contains("q=1") && !run.stdout.contains("503 Service"))
            let metrics = try await parsed(run.stdout)
            for family in ["checkup_up", "checkup_status", "checkup_rtt_seconds", "checkup_phase_seconds", "checkup_attempts",
                           "checkup_certificate_expiry_timestamp_seconds", "checkup_last_run_timestamp_seconds"] {
                #expect(metrics.families[family] == "gauge", "\(family)")
            }
            let up = ["name": #"Up "main" \ site"#, "type": "http", "endpoint": "http://127.0.0.1:\(httpPeer.port)/"]
            let broken = ["name": "Broken", "type": "http", "endpoint": peerURL("/status/503")]
            #expect(metrics.value("checkup_up", up) == 1 && metrics.value("checkup_up", broken) == 0)
            #expect(metrics.value("checkup_status", up.merging(["state": "healthy"]) { $1 }) == 1)
            #expect(metrics.value("checkup_status", up.merging(["state": "down"]) { $1 }) == 0)
            #expect(metrics.value("checkup_status", broken.merging(["state": "down"]) { $1 }) == 1)
            #expect(metrics.value("checkup_attempts", broken) == 2)
            #expect((metrics.value("checkup_rtt_seconds", up) ?? 0) > 0 && (metrics.value("checkup_rtt_seconds", up) ?? 9) < 10)
            #expect((metrics.value("checkup_phase_seconds", up.merging(["phase": "processing"]) { $1 }) ?? 0) > 0)
            let cert = ["name": "Cert", "type": "tls"]
            let expiry = try #require(metrics.value("checkup_certificate_expiry_timestamp_seconds", cert))
            #expect(expiry > Date().timeIntervalSince1970 + 80 * 86_400)  // tlsd's good leaf: 90 days
            let lastRun = try #require(metrics.value("checkup_last_run_timestamp_seconds", broken))
            #expect(abs(lastRun - Date().timeIntervalSince1970) < 120)
            #expect(metrics.samples.allSatisfy { !$0.labels.values.contains { $0.contains("Service Unavailable") } })
        }

        @Test func outputFileIsReplacedWholeAndNothingIsPrinted() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            try "old".write(toFile: dir + "/checkup.prom", atomically: true, encoding: .utf8)
            let run = try await cli(["--format", "prometheus", "--output", "checkup.prom"], in: dir)
            #expect(run.status == 1 && run.stdout.isEmpty && run.stderr.isEmpty)
            let text = try String(contentsOfFile: dir + "/checkup.prom", encoding: .utf8)
            #expect(try await parsed(text).value("checkup_up", ["name": "Up"]) == 1)
            let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
            #expect(left.isEmpty, "temporary files left: \(left)")
            var st = stat()
            #expect(stat(dir + "/checkup.prom", &st) == 0 && st.st_mode & 0o777 == 0o644)

            let missing = try await cli(["--format", "json", "--output", "no/such/dir/out.json"], in: dir)
            #expect(missing.status == 1 && missing.stderr.contains("no/such/dir"))
        }

        @Test func anUnknownFormatIsAUsageErrorThatNamesTheFormats() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            let run = try await cli(["--format", "yaml"], in: dir)
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix(#"checkup: --format: "yaml" is not a format (text, table, json, prometheus)"#))
            #expect(try await cli(["summarize", "--format", "json"], in: dir).status == 2)  // only where results are printed
            // -o stays statuspage's --out.
            let page = repositoryRoot.appendingPathComponent("statuspage").path
            #expect(try await cli(["statuspage", "-o", "site", "--statuspage", page], in: dir).status == 0)
            #expect(FileManager.default.fileExists(atPath: dir + "/site/index.html"))
        }

        @Test func labelValuesAndEndpointsAreWrittenAsTheFormatSays() {
            #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == #"a\"b\\c\nd"#)
            #expect(CheckMetrics.endpointLabel("https://u:p@h.example:8443/x/y?k=v#f") == "https://h.example:8443/x/y")
            #expect(CheckMetrics.endpointLabel("https://h/p@q") == "https://h/p@q")
            #expect(CheckMetrics.endpointLabel("db.example.com:5432") == "db.example.com:5432")
            #expect(PrometheusText.number(1) == "1" && PrometheusText.number(0.25) == "0.25" && PrometheusText.number(.infinity) == "+Inf")
        }

        @Test func serveAnswersMetricsForEveryOriginsLatestRoundAndCountsRequests() async throws {
            let dir = try makeProject(checkers: twoCheckers)
            defer { removeDirectory(dir) }
            let config = try String(contentsOfFile: dir + "/checkup.json", encoding: .utf8)
            for origin in ["alpha", "beta"] {
                try config.replacingOccurrences(of: #"{"checkers""#, with: #"{"origin":"\#(origin)","checkers""#)
                    .write(toFile: dir + "/\(origin).json", atomically: true, encoding: .utf8)
                #expect(try await cli(["-c", "\(origin).json", "--store"], in: dir).status == 0)
            }
            let serve = try ServeProcess(in: dir)
            #expect(try await httpGet(serve.base + "/no-such-file").status == 404)
            let first = try await httpGet(serve.base + "/metrics")
            #expect(first.status == 200 && first.response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = try await parsed(first.body)
            for origin in ["alpha", "beta"] {
                #expect(metrics.value("checkup_up", ["name": "Up", "type": "http", "origin": origin, "endpoint": peerURL("/")]) == 1, "\(origin)")
                #expect(metrics.value("checkup_status", ["name": "Broken", "origin": origin, "state": "down"]) == 1, "\(origin)")
                #expect((metrics.value("checkup_rtt_seconds", ["name": "Up", "origin": origin]) ?? 0) > 0)
                #expect((metrics.value("checkup_origin_last_round_timestamp_seconds", ["origin": origin]) ?? 0) > 1_700_000_000)
            }
            #expect(metrics.families["checkup_http_requests"] == "counter")
            #expect(metrics.value("checkup_http_requests_total", ["code": "404"]) == 1)

            // Answers the event loop gives itself count too: another method, a malformed head.
            let post = try RawClient(port: UInt16(serve.port))
            post.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            #expect(post.response()?.status == 405)
            let garbage = try RawClient(port: UInt16(serve.port))
            garbage.send("NOT HTTP\r\n\r\n")
            #expect(garbage.response()?.status == 400)
            let second = try await parsed(try await httpGet(serve.base + "/metrics").body)
            #expect(second.value("checkup_http_requests_total", ["code": "200"]) == 1)  // the first scrape
            #expect(second.value("checkup_http_requests_total", ["code": "404"]) == 1)
            #expect(second.value("checkup_http_requests_total", ["code": "405"]) == 1)
            #expect(second.value("checkup_http_requests_total", ["code": "400"]) == 1)
        }
    }
}
