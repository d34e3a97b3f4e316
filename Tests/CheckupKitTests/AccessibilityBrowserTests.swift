import Foundation
import Testing
@testable import CheckupKit

/// A script of testdata/peers for browser.py --eval, without its leading comment lines.
func peerScript(_ name: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("testdata/peers/" + name), encoding: .utf8)
        .split(separator: "\n").filter { !$0.hasPrefix("//") }.joined(separator: "\n")
}

/// axe-core's violations of impact serious or critical in `page` (browser.py --axe), one line
/// each: the rule, its impact, the element and the help text, then how to fix it.
func seriousViolations(_ page: PageView) -> [String] {
    let violations = page.json["axe"]?.objectValue?["violations"]?.arrayValue?.compactMap(\.objectValue) ?? []
    return violations.filter { ["serious", "critical"].contains($0["impact"]?.stringValue ?? "") }.flatMap { v in
        (v["nodes"]?.arrayValue?.compactMap(\.objectValue) ?? []).map { node in
            "\(v["id"]?.stringValue ?? "?") (\(v["impact"]?.stringValue ?? "?")) on \(node["target"]?.stringValue ?? "?"): "
                + "\(v["help"]?.stringValue ?? "") <\(v["help_url"]?.stringValue ?? "")>. "
                + (node["summary"]?.stringValue ?? "").replacingOccurrences(of: "\n", with: " ")
        }
    }
}

/// Expects browser.py --axe to have run and found nothing serious or critical; keeps its report
/// as `axe-NAME.json` among the test artifacts.
func expectAxePasses(_ page: PageView, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let axe = page.json["axe"] else {
        Issue.record("browser.py did not run axe", sourceLocation: sourceLocation)
        return
    }
    try? axe.encoded().write(to: URL(fileURLWithPath: artifactsDirectory + "/axe-\(name).json"))
    let serious = seriousViolations(page)
    #expect(serious.isEmpty, "axe-core at \(name):\n\(serious.joined(separator: "\n"))", sourceLocation: sourceLocation)
}

/// The page's test history (storeHistory: Web healthy, Payments down with a message, API) and
/// "Search", degraded in its newest round on both nodes.
func storeAuditHistory(in dir: String, end: Int64) async throws {
    let storage = FileSystemStorage(directory: dir + "/checks")
    try await storeHistory(in: storage, end: end)
    for origin in ["eu", "us"] {
        try await StatusSummaries(storage: storage, origin: origin)
            .update(with: [summaryResult("Search", at: end - 600_000, rtt: 80), summaryResult("Search", at: end, .degraded, rtt: 300)],
                    now: end * 1_000_000)
    }
    try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
}

extension JSONValue {
    /// A JSON number as a Double (browser.py reports whole pixels as integers).
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}

/// WCAG 2.2 AA in a real browser: axe-core's audit at phone and desktop widths in light and
/// dark, and what no automated rule sees: reflow at 200 % and 400 % zoom, reduced motion, a
/// visible focus at every tab stop, and no state told by colour alone.
@Suite(.serialized, .timeLimit(.minutes(5))) struct AccessibilityBrowserTests {
    let now = CheckResult.now() / 1_000_000

    @Test(arguments: [320, 390, 1280])
    func axeFindsNothingSeriousWithATooltipOpenInLightAndDark(width: Int) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        let serve = try ServeProcess(in: dir)
        for dark in [false, true] {
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--open-tooltip", "--axe"] + (dark ? ["--dark"] : []))
            #expect(page.endpoint("Search")?["state"] == .string("degraded") && page.endpoint("Payments")?["state"] == .string("down"))
            #expect(page.json["messages"]?.arrayValue?.isEmpty == false)
            #expect(page.json["tooltip_open"] == .bool(true))
            expectAxePasses(page, "\(width)-\(dark ? "dark" : "light")")
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime(serve) {}
    }

    @Test func theDayTooltipCountsFlakyChecksAndStaysAccessible() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        var flaky = summaryResult("Web", at: now - 20_000)
        flaky.times.insert(Attempt(rtt: .milliseconds(9), error: "response status 503 Service Unavailable"), at: 0)
        flaky.flaky = true
        flaky.notice = "passed on attempt 2 of 3"
        try await StatusSummaries(storage: FileSystemStorage(directory: dir + "/checks"), origin: "eu")
            .update(with: [flaky], now: (now - 20_000) * 1_000_000)
        let serve = try ServeProcess(in: dir)
        // Focuses each day cell in turn, whichever day the result fell in, and gives the tooltip
        // that counts a flaky check.
        let script = """
            Array.prototype.map.call(document.querySelectorAll('.uptime-bar .day'), function (c) {
              c.focus(); var t = document.getElementById('day-tooltip'); return t && !t.hidden ? t.textContent : '';
            }).filter(function (t) { return t.indexOf('flaky') >= 0; }).join('|')
            """
        let page = try await viewPage(serve.base + "/", width: 390, extra: ["--open-tooltip", "--axe", "--eval", script])
        let text = page.json["eval"]?.stringValue ?? ""
        #expect(text.contains("1 flaky check (passed on a retry)") && !text.contains("|"), "\(text)")
        expectAxePasses(page, "flaky-390")
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime(serve) {}
    }

    @Test func thePageReflowsAt200And400PercentZoomWithoutScrollingSideways() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        let serve = try ServeProcess(in: dir)
        // A 1280 × 1024 desktop window at 200 % (640 CSS px) and 400 % (320 CSS px, WCAG 1.4.10's
        // width), and a 320 px phone in the dark.
        for (zoom, extra) in [("2", [String]()), ("4", []), (nil, ["--dark"])] {
            let width = zoom == nil ? 320 : 1280
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--height", "1024", "--eval", try peerScript("reflow.js")]
                                          + (zoom.map { ["--zoom", $0] } ?? []) + extra)
            let reflow = try #require(page.json["eval"]?.objectValue)
            let cssWidth = zoom.flatMap { Int($0) }.map { 1280 / $0 } ?? 320
            #expect(reflow["client_width"] == .int(Int64(cssWidth)), "\(reflow)")
            guard case .int(let scroll)? = reflow["scroll_width"], case .int(let client)? = reflow["client_width"] else {
                Issue.record("no widths: \(reflow)")
                continue
            }
            #expect(scroll <= client, "at \(zoom ?? "1")×: scrolls sideways (\(scroll) > \(client))")
            #expect(reflow["outside"]?.arrayValue?.isEmpty == true, "at \(zoom ?? "1")×, outside the viewport: \(reflow["outside"] ?? .null)")
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime(serve) {}
    }

    @Test func reducedMotionStopsEveryAnimationAndTransition() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        let serve = try ServeProcess(in: dir)
        let motion = try peerScript("motion.js")
        // Without the preference something moves (the down pill's pulse), so the probe sees motion.
        let moving = try await viewPage(serve.base + "/", width: 1280, extra: ["--eval", motion])
        #expect(moving.json["eval"]?.arrayValue?.isEmpty == false, "\(moving.json["eval"] ?? .null)")
        for width in [390, 1280] {
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--reduced-motion", "--open-tooltip", "--eval", motion])
            #expect(page.json["eval"]?.arrayValue?.isEmpty == true, "at \(width) px, still moving: \(page.json["eval"] ?? .null)")
        }
        withExtendedLifetime(serve) {}
    }

    @Test func everyTabStopShowsItsFocusInView() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        let serve = try ServeProcess(in: dir)
        for (width, extra) in [(390, ["--height", "844"]), (1280, ["--dark"])] {
            let page = try await viewPage(serve.base + "/", width: width, extra: extra + ["--tab-through"])
            let stops = page.json["focus_stops"]?.arrayValue?.compactMap(\.objectValue) ?? []
            // The skip link, each endpoint's address, bar and response time, the timeline's links.
            #expect(stops.count >= 13, "at \(width) px: \(stops.count) tab stops")
            #expect(stops.first?["cls"] == .string("skip-link"))
            for stop in stops {
                let what = "\(stop["tag"]?.stringValue ?? "?").\(stop["cls"]?.stringValue ?? "") “\(stop["text"]?.stringValue ?? "")” at \(width) px"
                let outline = stop["outline"]?.stringValue ?? "none", shadow = stop["box_shadow"]?.stringValue ?? "none"
                #expect(outline != "none" || shadow != "none", "no focus indicator on \(what)")
                let top = stop["top"]?.number ?? -1, bottom = stop["bottom"]?.number ?? .infinity
                let header = stop["header_bottom"]?.number ?? 0, height = stop["viewport_height"]?.number ?? 0
                #expect(top >= header - 0.5, "\(what) is under a sticky header (top \(top), header to \(header))")
                #expect(bottom <= height + 0.5, "\(what) is below the viewport (\(bottom) > \(height))")
                #expect(stop["clipped"] == .bool(false), "\(what) is cut off by a scrolling box")
            }
        }
        withExtendedLifetime(serve) {}
    }

    @Test(arguments: [false, true])
    func noStateIsToldByColourAlone(dark: Bool) async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try await storeAuditHistory(in: dir, end: now - 30_000)
        let serve = try ServeProcess(in: dir)
        let page = try await viewPage(serve.base + "/", width: 1280, extra: ["--eval", try peerScript("states.js")] + (dark ? ["--dark"] : []))
        let found = try #require(page.json["eval"]?.objectValue)
        // Every day cell is named with its date and its state in words.
        #expect(found["unnamed"]?.arrayValue?.isEmpty == true, "\(found["unnamed"] ?? .null)")
        #expect(found["wordless"]?.arrayValue?.isEmpty == true, "\(found["wordless"] ?? .null)")
        // The history has operational, degraded, outage and empty days: each kind has one shape of
        // its own (outages of any length share one), and the key shows the same shapes.
        let cells = try #require(found["cells"]?.objectValue)
        let kinds: [(name: String, levels: [String])] = [("operational", ["up"]), ("degraded", ["degraded"]),
                                                         ("outage", ["minor", "partial", "major"]), ("no data", ["none"])]
        var shapes: [String: String] = [:]
        for kind in kinds {
            let seen = Set(kind.levels.flatMap { (cells[$0]?.objectValue?["shapes"]?.arrayValue ?? []).compactMap(\.stringValue) })
            #expect(seen.count == 1, "\(kind.name) days have \(seen.count) shapes: \(seen)")
            shapes[kind.name] = seen.first
        }
        #expect(Set(shapes.values).count == kinds.count, "shapes told apart only by colour: \(shapes)")
        let key = found["key"]?.objectValue ?? JSONObject()
        for (kind, swatch) in [("operational", "up"), ("degraded", "degraded"), ("outage", "major"), ("no data", "none")] {
            #expect(key[swatch]?.stringValue == shapes[kind], "the key's \(kind) swatch: \(key[swatch] ?? .null) vs \(shapes[kind] ?? "–")")
        }
        withExtendedLifetime(serve) {}
    }
}
