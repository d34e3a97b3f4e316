import Foundation
import Testing
@testable import CheckupKit

/// The page over three real nodes, one of which cannot reach the target (headless Chromium),
/// each view also audited by axe-core (AccessibilityBrowserTests).
@Suite(.serialized, .timeLimit(.minutes(3))) struct SeveralPlacesBrowserTests {
    @Test func thePageShowsTheVerdictAndNamesEveryPlace() async throws {
        let nodes = SeveralPlacesTests()
        let target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let dir = try nodes.makeNodes(port: target.port)
        defer { removeDirectory(dir) }
        for _ in 0..<2 { for origin in SeveralPlacesTests.places { _ = try await nodes.store(origin, in: dir) } }
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)

        for (width, dark) in [(390, false), (320, false), (1440, false), (390, true), (1440, true)] {
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--axe"] + (dark ? ["--dark", "--open-tooltip"] : [])
                                          + ["--screenshot", artifactsDirectory + "/places-\(width)\(dark ? "-dark" : "").png"])
            let web = try #require(page.endpoint("Web"))
            #expect(web["state"] == .string("degraded"), "\(web)")  // not down: only gamma fails
            let places = (web["places"]?.arrayValue ?? []).compactMap(\.objectValue)
            #expect(places.compactMap { $0["origin"]?.stringValue }.sorted() == SeveralPlacesTests.places)
            let states = Dictionary(places.map { ($0["origin"]?.stringValue ?? "", $0["state"]?.stringValue ?? "") }, uniquingKeysWith: { $1 })
            #expect(states == ["alpha": "healthy", "beta": "healthy", "gamma": "down"], "\(places)")
            #expect(places.contains { $0["name"]?.stringValue == "Gamma City" })
            #expect(page.string("overall_text") != "Service Disruption")
            if case .int(let scroll)? = page.json["scroll_width"] { #expect(scroll <= width) }
            expectAxePasses(page, "places-\(width)-\(dark ? "dark" : "light")")
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime((serve, target)) {}
    }

    @Test func aNodeThatDoesNotVoteSaysSoOnThePage() async throws {
        let nodes = SeveralPlacesTests()
        let target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let canary = #","canary":[{"type":"http","endpoint_name":"uplink","endpoint_url":"http://canary.test:\#(target.port)/","timeout":"2s"}]"#
        let dir = try nodes.makeNodes(port: target.port, gammaExtra: canary)
        defer { removeDirectory(dir) }
        for _ in 0..<2 { for origin in SeveralPlacesTests.places { _ = try await nodes.store(origin, in: dir) } }
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        let page = try await viewPage(serve.base + "/", width: 390, extra: ["--axe"])
        let web = try #require(page.endpoint("Web"))
        #expect(web["state"] == .string("healthy"), "\(web)")
        let places = (web["places"]?.arrayValue ?? []).compactMap(\.objectValue)
        let states = Dictionary(places.map { ($0["origin"]?.stringValue ?? "", $0["state"]?.stringValue ?? "") }, uniquingKeysWith: { $1 })
        #expect(states == ["alpha": "healthy", "beta": "healthy", "gamma": "abstain"], "\(places)")
        #expect(places.first { $0["origin"] == .string("gamma") }?["text"]?.stringValue?.contains("Not voting") == true, "\(places)")
        expectAxePasses(page, "places-not-voting-390-light")
        #expect(page.errors.isEmpty, "\(page.errors)")
        withExtendedLifetime((serve, target)) {}
    }

    @Test func stalePlacesSaySoAndPassTheAudit() async throws {
        // With stale_after 1ms every node's verdict counts its own round alone: the page, which
        // follows gamma's (the newest), shows alpha and beta as stale.
        let nodes = SeveralPlacesTests()
        let target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let dir = try nodes.makeNodes(port: target.port, extra: #","stale_after":"1ms""#)
        defer { removeDirectory(dir) }
        for _ in 0..<2 { for origin in SeveralPlacesTests.places { _ = try await nodes.store(origin, in: dir) } }
        try #"{"storage":{"type":"fs","dir":"checks"}}"#.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir)
        for (width, dark) in [(320, true), (1440, false)] {
            let page = try await viewPage(serve.base + "/", width: width, extra: ["--axe", "--open-tooltip"] + (dark ? ["--dark"] : []))
            let places = (page.endpoint("Web")?["places"]?.arrayValue ?? []).compactMap(\.objectValue)
            let stale = places.filter { $0["state"] == .string("stale") }
            #expect(stale.count == 2 && stale.allSatisfy { $0["text"]?.stringValue?.contains("Stale") == true }, "\(places)")
            expectAxePasses(page, "places-stale-\(width)-\(dark ? "dark" : "light")")
            #expect(page.errors.isEmpty, "\(page.errors)")
        }
        withExtendedLifetime((serve, target)) {}
    }
}
