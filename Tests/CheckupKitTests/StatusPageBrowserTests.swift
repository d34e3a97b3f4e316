import Foundation
import Testing
@testable import CheckupKit

/// Where the browser tests leave their screenshots: `$CHECKUP_ARTIFACTS`, else
/// `.build/test-artifacts` in the repository.
let artifactsDirectory: String = {
    let dir = ProcessInfo.processInfo.environment["CHECKUP_ARTIFACTS"]
        ?? repositoryRoot.appendingPathComponent(".build/test-artifacts").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

/// What browser.py saw, as JSON.
struct PageView {
    let json: JSONObject
    var endpoints: [JSONObject] { json["endpoints"]?.arrayValue?.compactMap(\.objectValue) ?? [] }
    func endpoint(_ title: String) -> JSONObject? { endpoints.first { $0["title"]?.stringValue == title } }
    func string(_ key: String) -> String? { json[key]?.stringValue }
    /// Console errors, less Chromium's CSP report each time the inert parse meets an inline handler
    /// attribute (a message's onerror): that is a report, not an execution (`pwned` tells).
    var errors: [String] {
        (json["errors"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.contains("Executing inline event handler violates") }
    }
}

/// Runs testdata/peers/browser.py (headless Chromium through Selenium) on `url`.
func viewPage(_ url: String, width: Int = 390, extra: [String] = []) async throws -> PageView {
    let run = try await offPool { try runProgram("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/browser.py").path,
                                              url, String(width)] + extra) }
    guard run.status == 0, let json = try? JSONValue.parse(Data(run.stdout.utf8)).objectValue else {
        throw CheckupError(.service, "browser.py failed (\(run.status)): \(run.stderr.suffix(2000))")
    }
    return PageView(json: json)
}

/// The page's test data: two nodes, three days of 10-minute rounds of "Web" (down one hour a day)
/// and "API" (degraded every 7th round), and "Payments", down for its last three rounds with a
/// message that tries a script, an image handler and a javascript: link.
func storeHistory(in storage: any SummaryStorage, end: Int64) async throws {
    for (origin, offset) in [("eu", Int64(0)), ("us", Int64(7_000))] {
        var rounds = historyResults(days: 3, end: end - offset)
        for i in rounds.indices {
            let down = i >= rounds.count - 3
            rounds[i].append(summaryResult("Payments", at: rounds[i][0].timestamp / 1_000_000, down ? .down : .healthy, rtt: 120,
                                           message: i == rounds.count - 1 ? xssMessage : ""))
        }
        try await StatusSummaries(storage: storage, origin: origin).update(with: rounds.flatMap { $0 }, now: end * 1_000_000)
    }
}

let xssMessage = #"Card payments failing <b>since 10:00</b> <img src=x onerror="window.pwned=1"> <a href="javascript:window.pwned=1">x</a> <a href="https://status.example.test/incident">details</a><script>window.pwned=1</script>"#

/// The status page in a real browser: headless Chromium driven by Selenium
/// (testdata/peers/browser.py) against `checkup serve` and an S3 bucket on moto.
@Suite(.serialized, .timeLimit(.minutes(5))) struct StatusPageBrowserTests {
    /// Checks what both summary-backed views must show.
    func expectHistory(_ page: PageView, width: Int) {
        #expect(page.string("mode") == "summaries")
        #expect(page.string("overall")?.contains("status-down") == true)
        #expect(page.string("overall_text") == "Service Disruption")
        #expect(page.endpoints.compactMap { $0["title"]?.stringValue } == ["API", "Payments", "Web"])
        #expect(page.endpoint("API")?["state"] == .string("healthy"))
        #expect(page.endpoint("Payments")?["state"] == .string("down"))
        #expect(page.endpoint("Web")?["state"] == .string("healthy"))
        // Web: 6 down rounds of every 144, on both nodes; API's degraded rounds count as up;
        // Payments: 3 down of the last day's 144 per node (282/288, floored).
        let web = page.endpoint("Web")?["uptime"]?.objectValue
        #expect(web?["24h"] == .string("95.83%") && web?["7d"] == .string("95.83%") && web?["90d"] == .string("95.83%"))
        #expect(page.endpoint("API")?["uptime"]?.objectValue?["90d"] == .string("100%"))
        #expect(page.endpoint("Payments")?["uptime"]?.objectValue?["24h"] == .string("97.91%"))  // floored: never overstated
        for e in page.endpoints {
            #expect(e["has_chart"] == .bool(true))
            if case .int(let days)? = e["days"] { #expect(days >= 30 && days <= 90) } else { Issue.record("no day cells") }
        }
        #expect(page.endpoint("API")?["threshold_line"] == .bool(true))
        #expect(page.json["pwned"] == .bool(false))
        // Keyboard: one tab stop per uptime bar (arrow keys move between days).
        #expect(page.json["focusable_days"] == .int(3))
        if case .int(let changes)? = page.json["state_changes"] { #expect(changes > 0) } else { Issue.record("no timeline") }
        let message = page.json["messages"]?.arrayValue?.compactMap(\.objectValue).first { ($0["text"]?.stringValue ?? "").contains("Card payments") }
        let html = message?["html"]?.stringValue ?? ""
        #expect(html.contains("<b>since 10:00</b>"))
        #expect(html.contains("&lt;img src=\"x\" onerror=\"window.pwned=1\"&gt;"))
        #expect(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"))
        #expect(!html.contains("<img") && !html.contains("<script") && !html.contains("javascript:"))
        let links = message?["links"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(links.compactMap { $0["href"]?.stringValue } == ["https://status.example.test/incident"])
        #expect(links.allSatisfy { $0["rel"]?.stringValue == "noopener noreferrer" || $0["href"] == .null })
        if case .int(let scroll)? = page.json["scroll_width"] { #expect(scroll <= width, "horizontal overflow at \(width) px") }
        #expect(page.errors.isEmpty, "\(page.errors)")
    }

    @Test func summariesOverServeRenderAtPhoneAndDesktopSizesAndInTheDark() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        // A pinned clock for the data and the page (2026-11-25T12:00:00Z): results older than an
        // hour are folded per quarter hour, so the 24-hour window's edge must fall where it
        // always does, between two quarters' points.
        let noon: Int64 = 1_795_608_000_000
        let pinned = ["--now", String(noon)]
        try await storeHistory(in: FileSystemStorage(directory: dir + "/checks"), end: noon - 30_000)
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)

        let phone = try await viewPage(serve.base + "/", width: 390, extra: ["--height", "844", "--screenshot", artifactsDirectory + "/statuspage-390x844.png"] + pinned)
        expectHistory(phone, width: 390)
        // Six requests whatever the history: the manifest, the incidents, the maintenance
        // windows, the components (groups) and one summary per node. Nothing here wrote a view,
        // so the manifest has no page index (PageRequestsBrowserTests: N + 1 with one).
        #expect(phone.json["requests"] == .int(6))
        let desktop = try await viewPage(serve.base + "/", width: 1440, extra: ["--height", "900", "--screenshot", artifactsDirectory + "/statuspage-1440x900.png"] + pinned)
        expectHistory(desktop, width: 1440)
        #expect(desktop.endpoint("Web")?["days"] == .int(90))
        let dark = try await viewPage(serve.base + "/", width: 320, extra: ["--dark", "--screenshot", artifactsDirectory + "/statuspage-320-dark.png"] + pinned)
        expectHistory(dark, width: 320)
        withExtendedLifetime(serve) {}
    }

    @Test(arguments: [false, true])
    func textHasWCAGAAContrastInEveryState(dark: Bool) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeHistory(in: FileSystemStorage(directory: dir + "/checks"), end: CheckResult.now() / 1_000_000 - 30_000)
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        let script = try String(contentsOf: repositoryRoot.appendingPathComponent("testdata/peers/contrast.js"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("//") }.joined(separator: "\n")
        let page = try await viewPage(serve.base + "/", width: 1440, extra: (dark ? ["--dark"] : []) + ["--eval", script])
        let pairs = page.json["eval"]?.arrayValue?.compactMap(\.arrayValue) ?? []
        #expect(pairs.count > 20)
        // 4.5:1 for normal text (WCAG 2.x AA), for every visible text: banner, pills, badges, figures.
        let low = pairs.filter { if case .double(let r)? = $0.last { r < 4.5 } else if case .int(let r)? = $0.last { Double(r) < 4.5 } else { true } }
        #expect(low.isEmpty, "\(low)")
        withExtendedLifetime(serve) {}
    }

    @Test func refreshPicksUpANewResultWithoutReloading() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now() / 1_000_000
        try await storeHistory(in: storage, end: now - 30_000)
        try #"{"storage":{"type":"fs","dir":"checks","url":"/"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        // A hosted copy of the page that polls every second.
        #expect(try await offPool { try runCLI(["statuspage", "--out", "site"], in: dir) }.status == 0)
        let config = try String(contentsOfFile: dir + "/site/js/config.js", encoding: .utf8)
            .replacingOccurrences(of: "refresh_interval: 60", with: "refresh_interval: 1")
        try config.write(toFile: dir + "/site/js/config.js", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir, page: dir + "/site")

        // Once the page has rendered, Web goes down on both nodes (on one alone, the verdict of
        // the two would be degraded).
        let signal = dir + "/rendered"
        let writer = Task {
            while !FileManager.default.fileExists(atPath: signal) { try await Task.sleep(for: .milliseconds(100)) }
            for origin in ["eu", "us"] {
                var checkup = Checkup(checkers: [], storage: storage)
                checkup.origin = origin
                try await checkup.store([summaryResult("Web", at: CheckResult.now() / 1_000_000, .down, rtt: 30)])
            }
        }
        let page = try await viewPage(serve.base + "/", width: 1440, extra: [
            "--signal", signal, "--wait-until", #"document.querySelector('.endpoint[data-title="Web"] .state').textContent === 'down'"#])
        try await writer.value
        #expect(page.json["until_met"] == .bool(true))
        #expect(page.json["reloaded"] == .bool(false))
        #expect(page.endpoint("Web")?["state"] == .string("down"))
        #expect(page.string("overall")?.contains("status-down") == true)
        // The rows are the same elements as before: updated in place, not rebuilt.
        #expect(page.json["kept_rows"] == .int(3))
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }

    @Test func pageReadsAProvisionedS3BucketAnonymously() async throws {
        // moto with authentication off: it cannot answer a CORS preflight with it on, and the
        // browser's reads are anonymous anyway (allowed by the provisioned bucket policy).
        let peer = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3d.py").path, "--no-auth"]) }
        let o = try #require(try JSONValue.parse(Data(peer.banner.utf8)).objectValue)
        guard case .int(let port)? = o["port"] else { throw CheckupError(.service, "s3d.py said: \(peer.banner)") }
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let bucket = "status-\(UUID().uuidString.lowercased().prefix(8))"
        try #"""
        {"checkers":[{"type":"exec","name":"Queue","command":"true"},{"type":"exec","name":"Backup","command":"false"}],
         "storage":{"type":"s3","access_key_id":"AKIDTESTING","secret_access_key":"s3cr3t-value","bucket":"\#(bucket)","endpoint":"http://127.0.0.1:\#(port)"},
         "origin":"lab"}
        """#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let provision = try await offPool { try runCLI(["provision"], in: dir) }
        #expect(provision.status == 0, "\(provision.stderr)")
        for _ in 0..<2 { #expect(try await offPool { try runCLI(["--store"], in: dir) }.status == 0) }
        #expect(try await offPool { try runCLI(["message", "--about=Backup", "Restoring <b>tonight</b>"], in: dir) }.status == 0)
        let export = try await offPool { try runCLI(["statuspage", "--out", "site"], in: dir) }
        #expect(export.stdout.contains("http://127.0.0.1:\(port)/\(bucket)/"), "\(export.stdout)")
        let config = try String(contentsOfFile: dir + "/site/js/config.js", encoding: .utf8)
        #expect(!config.contains("AKIDTESTING") && !config.contains("s3cr3t-value"))

        // The page comes from `checkup serve`; its data straight from the bucket, cross-origin.
        let serve = try ServeProcess(in: dir, page: dir + "/site")
        let page = try await viewPage(serve.base + "/", width: 390)
        #expect(page.string("mode") == "summaries")
        #expect(page.endpoints.compactMap { $0["title"]?.stringValue } == ["Backup", "Queue"])
        #expect(page.endpoint("Backup")?["state"] == .string("down"))
        #expect(page.endpoint("Queue")?["state"] == .string("healthy"))
        #expect(page.endpoint("Queue")?["uptime"]?.objectValue?["24h"] == .string("100%"))
        #expect(page.endpoint("Backup")?["uptime"]?.objectValue?["24h"] == .string("0.00%"))
        #expect(page.json["messages"]?.arrayValue?.first?.objectValue?["html"] == .string("Restoring <b>tonight</b>"))
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime((serve, peer)) {}
    }

    @Test func thePagesSigV4MatchesAWSsPublishedListObjectsExample() async throws {
        // The original's config.js carries a read-only key, which the page uses only to sign the
        // listing of a bucket without summaries (Web Crypto). moto cannot check that from a
        // browser (anonymous reads crash it with authentication on), so the signer is held to
        // AWS's own example: GET Bucket (List Objects), AKIAIOSFODNN7EXAMPLE, 2013-05-24.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        let script = #"""
        checkup.sigV4('https://examplebucket.s3.amazonaws.com/', 'max-keys=2&prefix=J',
          {id: 'AKIAIOSFODNN7EXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1'},
          '20130524T000000Z')
        """#
        let page = try await viewPage(serve.base + "/", width: 390, extra: ["--eval", script])
        let headers = try #require(page.json["eval"]?.objectValue)
        #expect(headers["Authorization"] == .string(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
        #expect(headers["x-amz-date"] == .string("20130524T000000Z"))
        withExtendedLifetime(serve) {}
    }

    @Test func anExportedPageOnAPlainStaticServerReadsTheStore() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeHistory(in: FileSystemStorage(directory: dir + "/checks"), end: CheckResult.now() / 1_000_000 - 30_000)
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let export = try await offPool { try runCLI(["statuspage", "--out", "site"], in: dir) }
        #expect(export.stdout.contains("it reads the store at ../checks/"), "\(export.stdout)")
        // No checkup serve: /site/ is the page, /checks/ the store, as nginx would serve them.
        let server = try await staticServer(dir)
        let page = try await viewPage("http://127.0.0.1:\(server.port)/site/", width: 390)
        #expect(page.string("mode") == "summaries")
        #expect(page.endpoints.compactMap { $0["title"]?.stringValue } == ["API", "Payments", "Web"])
        #expect(page.endpoint("Payments")?["state"] == .string("down"))
        #expect(page.errors.isEmpty, "\(page.errors)")

        // Without summaries the static server answers 404 for the manifest: the page falls back.
        try FileManager.default.removeItem(atPath: dir + "/checks/summaries")
        try FileSystemStorage(directory: dir + "/checks").storeFile([summaryResult("Website", at: CheckResult.now() / 1_000_000)])
        let fallback = try await viewPage("http://127.0.0.1:\(server.port)/site/", width: 390)
        #expect(fallback.string("mode") == "checkfiles")
        #expect(fallback.endpoints.compactMap { $0["title"]?.stringValue } == ["Website"])
        #expect(fallback.errors.isEmpty, "\(fallback.errors)")
        withExtendedLifetime(server) {}
    }

    @Test func removedCheckersStopSettingTheBannerAndLeaveAfterAWeek() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let now = CheckResult.now() / 1_000_000
        let results = [summaryResult("Web", at: now - 60_000), summaryResult("Old", at: now - 3 * 86_400_000, .down),
                       summaryResult("Gone", at: now - 10 * 86_400_000, .down)]
        try await StatusSummaries(storage: FileSystemStorage(directory: dir + "/checks"), origin: "a").update(with: results)
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        let page = try await viewPage(serve.base + "/", width: 1440)
        #expect(page.endpoints.compactMap { $0["title"]?.stringValue } == ["Old", "Web"])
        #expect(page.endpoint("Old")?["state"] == .string("unknown"))
        #expect(page.string("overall")?.contains("status-healthy") == true)
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }

    @Test func timesFollowTheVisitorsZoneAnd12Or24HourClock() async throws {
        // The original showed 12:xx as AM and 00:xx as "0:xx AM"; times now follow the locale.
        // Fixed instants and a pinned page clock, so the answer is the same at any hour:
        // 2026-03-01 00:45Z (6:15 in Kolkata, 7:45 PM the day before in New York),
        // 05:10Z (12:10 AM in New York) and 17:20Z (12:20 PM in New York, 22:50 in Kolkata).
        let instants: [Int64] = [1_772_325_900_000, 1_772_341_800_000, 1_772_385_600_000]
        let now = instants[2] + 120_000
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await StatusSummaries(storage: FileSystemStorage(directory: dir + "/checks"), origin: "a")
            .update(with: instants.enumerated().map { summaryResult("Web", at: $1, message: "Maintenance \($0)") }, now: now * 1_000_000)
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        func local(_ zone: String, _ pattern: String, _ at: Int64) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: zone)
            formatter.dateFormat = pattern
            return formatter.string(from: Date(timeIntervalSince1970: Double(at) / 1000))
        }
        // The page's convention: Intl.DateTimeFormat with hour 'numeric' and minute '2-digit' in
        // the visitor's locale and zone, asked of the same browser for the same instants.
        let convention = "[\(instants.reversed().map(String.init).joined(separator: ","))].map(function (t) { return new Intl.DateTimeFormat(undefined, {hour: 'numeric', minute: '2-digit'}).format(new Date(t)); })"
        func view(_ locale: String, _ zone: String) async throws -> (shown: [String], expected: [String]) {
            let page = try await viewPage(serve.base + "/", width: 1440,
                                          extra: ["--locale", locale, "--timezone", zone, "--now", String(now), "--eval", convention])
            let shown = (page.json["timeline_times"]?.arrayValue ?? []).compactMap(\.stringValue)
            let expected = (page.json["eval"]?.arrayValue ?? []).compactMap(\.stringValue)
            return (shown, expected)
        }
        let german = try await view("de-DE", "Asia/Kolkata")
        try #require(german.shown.count == 3 && german.expected.count == 3, "\(german)")
        for (shown, expected) in zip(german.shown, german.expected) {
            #expect(shown.hasSuffix(expected) && !shown.contains("AM") && !shown.contains("PM"), "\(shown) vs \(expected)")
        }
        // 24-hour: 22:50 is not 10:50, and minutes are those of the instants in Kolkata.
        #expect(german.shown[0].hasSuffix(local("Asia/Kolkata", "HH:mm", instants[2])), "\(german.shown)")
        #expect(german.shown[2].hasSuffix(local("Asia/Kolkata", ":mm", instants[0])), "\(german.shown)")
        let american = try await view("en-US", "America/New_York")
        try #require(american.shown.count == 3 && american.expected.count == 3, "\(american)")
        for ((shown, expected), at) in zip(zip(american.shown, american.expected), instants.reversed()) {
            let twelve = local("America/New_York", "h:mm", at), meridiem = local("America/New_York", "a", at)
            #expect(shown.hasSuffix(expected) && shown.contains(twelve) && shown.hasSuffix(meridiem), "\(shown) vs \(twelve) \(meridiem)")
        }
        #expect(american.shown[0].contains("12:20") && american.shown[0].hasSuffix("PM"), "\(american.shown)")
        #expect(american.shown[1].contains("12:10") && american.shown[1].hasSuffix("AM"), "\(american.shown)")
        withExtendedLifetime(serve) {}
    }

    @Test func theOriginalsCheckFilesAloneStillRender() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        // Check files and index.json only, as the original writes them: no summaries.
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now() / 1_000_000
        try storage.storeFile([summaryResult("Website", at: now - 120_000), summaryResult("API", at: now - 120_000)])
        try storage.storeFile([summaryResult("Website", at: now - 60_000),
                               summaryResult("API", at: now - 60_000, .down, message: xssMessage)])
        #expect(!FileManager.default.fileExists(atPath: dir + "/checks/summaries"))
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)

        let page = try await viewPage(serve.base + "/", width: 320)
        #expect(page.string("mode") == "checkfiles")
        #expect(page.string("overall")?.contains("status-down") == true)
        #expect(page.endpoint("Website")?["state"] == .string("healthy"))
        #expect(page.endpoint("API")?["state"] == .string("down"))
        #expect(page.endpoint("API")?["uptime"]?.objectValue?["24h"] == .string("50.00%"))
        #expect(page.json["pwned"] == .bool(false))
        let html = page.json["messages"]?.arrayValue?.first?.objectValue?["html"]?.stringValue ?? ""
        #expect(html.contains("<b>since 10:00</b>") && !html.contains("<img") && !html.contains("<script"))
        if case .int(let width)? = page.json["scroll_width"] { #expect(width <= 320) }
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }
}

/// Runs a program and waits for it; standard output and error are returned.
func runProgram(_ executable: String, _ arguments: [String]) throws -> CLIRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errBox = Mutex2<Data>(Data())
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CLIRun(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                  stderr: String(decoding: errBox.get(), as: UTF8.self))
}

/// A plain static web server (Python's http.server) on 127.0.0.1 serving `directory`.
func staticServer(_ directory: String) async throws -> Peer {
    let script = """
    import functools, http.server, sys, threading
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT", server.server_address[1], flush=True)
    sys.stdin.read()
    """
    return try await offPool { try Peer("/usr/bin/env", ["python3", "-c", script, directory]) }
}
