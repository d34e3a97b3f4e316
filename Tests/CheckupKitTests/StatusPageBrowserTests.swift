import Foundation
import Testing
@testable import CheckupKit

/// The status page in a real browser: headless Chromium driven by Selenium
/// (testdata/peers/browser.py) against `checkup serve`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct StatusPageBrowserTests {
    @Test func pageRendersResultsAndOnlyAllowListedMessageHTML() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/checks")
        let now = CheckResult.now()
        var up = CheckResult(title: "Website", endpoint: "https://example.test/", timestamp: now - 60_000_000_000,
                             times: [Attempt(rtt: .milliseconds(80))])
        up.conclude()
        var broken = CheckResult(title: "API", endpoint: "https://api.example.test/", timestamp: now - 60_000_000_000,
                                 times: [Attempt(rtt: .milliseconds(5), error: "response status 503 Service Unavailable")])
        broken.conclude()
        broken.message = #"Investigating <b>503s</b> <img src=x onerror="window.pwned=1"> <a href="javascript:window.pwned=1">x</a> <a href="https://status.example.test/incident">details</a><script>window.pwned=1</script>"#
        try storage.storeFile([up, broken])
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)

        let serve = try ServeProcess(in: dir)
        let port = serve.port

        let run = try runProgram("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/browser.py").path,
                                                  "http://127.0.0.1:\(port)/", "320"])
        #expect(run.status == 0, "\(run.stderr)")
        let page = try #require(try JSONValue.parse(Data(run.stdout.utf8)).objectValue)
        #expect(page["overall"]?.stringValue?.contains("status-down") == true)
        #expect(page["overall_text"]?.stringValue == "Service Disruption")
        let states = page["endpoints"]?.arrayValue?.compactMap { $0.objectValue?["state"]?.stringValue }.sorted()
        #expect(states == ["down", "healthy"])
        #expect(page["pwned"] == .bool(false))
        let message = try #require(page["messages"]?.arrayValue?.first?.objectValue)
        let html = message["html"]?.stringValue ?? ""
        #expect(html.contains("<b>503s</b>"))
        #expect(html.contains("&lt;img src=\"x\" onerror=\"window.pwned=1\"&gt;"))
        #expect(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"))
        #expect(!html.contains("<img") && !html.contains("<script") && !html.contains("javascript:"))
        let links = message["links"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(links.count == 2)
        #expect(links.compactMap { $0["href"]?.stringValue } == ["https://status.example.test/incident"])
        #expect(links.allSatisfy { $0["rel"]?.stringValue == "noopener noreferrer" || $0["href"] == .null })
        // 320 px phones: nothing wider than the screen.
        if case .int(let width)? = page["scroll_width"] { #expect(width <= 320) }
        // Chromium reports the CSP each time the inert parse meets an inline handler attribute (the
        // message's onerror); that is a report, not an execution (pwned stays false). Nothing else.
        let errors = (page["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
            .filter { !$0.contains("Executing inline event handler violates") }
        #expect(errors.isEmpty, "\(errors)")
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
