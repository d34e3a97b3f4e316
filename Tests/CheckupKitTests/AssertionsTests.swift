import Foundation
import Testing
@testable import CheckupKit

/// Severity per assertion, phase limits, JSON body assertions and `body_regex`, against
/// httpd.py's `/json/health` (`{"status":"ok","db":{"status":"down","latency_ms":12.5},
/// "version":"1.2.3","ready":true,"items":[{"id":7,…},{"id":8,"name":"second"}],"none":null}`)
/// and tlsd.py's `slow` port.
@Suite struct AssertionsTests {
    func check(_ json: [JSONAssertion], path: String = "/json/health", regex: String = "") async throws -> CheckResult {
        try await HTTPChecker(name: "json", url: peerURL(path), json: json, bodyRegex: regex).check()
    }

    @Test func everyKindOfJSONAssertionPassesOnAMatchingBody() async throws {
        let r = try await check([
            JSONAssertion(path: "$.status", test: .equals(#""ok""#)),
            JSONAssertion(path: "$.items[0].id", test: .equals("7")),
            JSONAssertion(path: "$['items'][-1].name", test: .equals(#""second""#)),
            JSONAssertion(path: "$.none", test: .equals("null")),
            JSONAssertion(path: "$.version", test: .matches(#"^1\.2\."#)),
            JSONAssertion(path: "$.ready", test: .exists(true)),
            JSONAssertion(path: "$.db.missing", test: .exists(false)),
            JSONAssertion(path: "$.db.latency_ms", test: .lessThan(20)),
            JSONAssertion(path: "$.db.latency_ms", test: .greaterThan(12)),
        ], regex: #""version": "1\.\d+\.\d+""#)
        #expect(r.status == .healthy && r.notice.isEmpty, "\(r.times)")
    }

    @Test func failedJSONAssertionsAreDownAndEachIsNamedWithItsReason() async throws {
        let r = try await check([
            JSONAssertion(path: "$.db.status", test: .equals(#""up""#)),
            JSONAssertion(path: "$.items[5].id", test: .exists(true)),
            JSONAssertion(path: "$.version.major", test: .equals("1")),
            JSONAssertion(path: "$.status", test: .lessThan(3)),
            JSONAssertion(path: "$.db.latency_ms", test: .greaterThan(20)),
            JSONAssertion(path: "$.ready", test: .matches("yes")),
        ], regex: "^nope")
        #expect(r.status == .down)
        #expect(r.times[0].error == """
            response does not match /^nope/; $.db.status is "down", expected "up"; \
            $.items[5].id does not exist: $.items has no index 5 (2 items); \
            $.version.major: $.version is a string, not an object; $.status is a string, not a number; \
            $.db.latency_ms is 12.5, expected greater than 20; $.ready is a boolean, not a string
            """)
        let notJSON = try await check([JSONAssertion(path: "$.status", test: .exists(true))], path: "/")
        #expect(notJSON.status == .down && notJSON.times[0].error == "response is not JSON")
    }

    @Test func degradedSeverityMakesAFailedAssertionAWarningNamedInTheNotice() async throws {
        let json = try await check([JSONAssertion(path: "$.db.status", test: .equals(#""ok""#), severity: .degraded)])
        #expect(json.status == .degraded && json.times[0].passed, "\(json)")
        #expect(json.times[0].warnings == [#"$.db.status is "down", expected "ok""#])
        #expect(json.notice == #"$.db.status is "down", expected "ok""#)
        #expect(try CheckResult.decodeCheckFile(CheckResult.checkFileData([json])) == [json])
        // A wrong status and a missing text, both degraded: the notice names both.
        let both = try await HTTPChecker(name: "s", url: peerURL("/status/500"), mustContain: "I'm up",
                                         limits: CheckLimits(severity: ["status": .degraded, "must_contain": .degraded])).check()
        #expect(both.status == .degraded)
        #expect(both.notice == "response status 500 Internal Server Error; response does not contain 'I'm up'")
        // One degraded, one down: down, and the notice still names both.
        let mixed = try await HTTPChecker(name: "s", url: peerURL("/status/500"), mustContain: "I'm up",
                                          limits: CheckLimits(severity: ["status": .degraded])).check()
        #expect(mixed.status == .down && mixed.times[0].error == "response does not contain 'I'm up'")
        #expect(mixed.notice == "response does not contain 'I'm up'; response status 500 Internal Server Error")
    }

    @Test func thresholdAndPhaseLimitsDegradeByDefaultOrGoDownWhenSaid() async throws {
        let slow = try await HTTPChecker(name: "slow", url: peerURL("/slow/300"), thresholdRTT: .milliseconds(100),
                                         limits: CheckLimits(severity: ["threshold_rtt": .down])).check()
        #expect(slow.status == .down && slow.notice.hasPrefix("median round trip time exceeded threshold (100ms)"), "\(slow)")
        let firstByte = try await HTTPChecker(name: "fb", url: peerURL("/slow/300"), limits: CheckLimits(maxFirstByte: .milliseconds(100))).check()
        #expect(firstByte.status == .degraded, "\(firstByte)")
        #expect(firstByte.notice.hasPrefix("median first byte time ") && firstByte.notice.hasSuffix(" exceeded max_first_byte (100ms)"))
        let fast = try await HTTPChecker(name: "fast", url: peerURL("/"), limits: CheckLimits(maxConnect: .seconds(5), maxFirstByte: .seconds(5))).check()
        #expect(fast.status == .healthy && fast.notice.isEmpty)
    }

    @Test func maxTLSCatchesASlowHandshake() async throws {
        // tlsd.py's `slow` answers each handshake after 1.2 s.
        let tcp = try await TCPChecker(name: "slow", address: tlsPeers.address("slow"), tls: true, tlsCAFile: tlsPeers.caFile,
                                       timeout: .seconds(10), limits: CheckLimits(maxTLS: .milliseconds(500))).check()
        #expect(tcp.status == .degraded, "\(tcp)")
        #expect(tcp.notice.hasPrefix("median TLS handshake time ") && tcp.notice.hasSuffix(" exceeded max_tls (500ms)"))
        let tls = try await TLSChecker(name: "slow", address: tlsPeers.address("slow"), timeout: .seconds(10), trustedRoots: [tlsPeers.caFile],
                                       limits: CheckLimits(maxTLS: .milliseconds(500), severity: ["max_tls": .down])).check()
        #expect(tls.status == .down && tls.notice.contains("exceeded max_tls (500ms)"), "\(tls)")
        let good = try await TCPChecker(name: "good", address: tlsPeers.address("good"), tls: true, tlsCAFile: tlsPeers.caFile,
                                        timeout: .seconds(10), limits: CheckLimits(maxTLS: .seconds(5))).check()
        #expect(good.status == .healthy, "\(good)")
    }

    @Test func certificateExpiryCanBeDown() async throws {
        let soon = try await TLSChecker(name: "soon", address: tlsPeers.address("soon"), timeout: .seconds(10),
                                        trustedRoots: [tlsPeers.caFile], limits: CheckLimits(severity: ["cert_expiry": .down])).check()
        #expect(soon.status == .down && soon.notice.hasPrefix("certificate expiring soon"), "\(soon)")
    }

    @Test func jsonPathSubsetIsParsedAndOthersAreRefused() {
        #expect(JSONAssertion.steps("$") == [])
        #expect(JSONAssertion.steps(#"$.a['b c']["d"][0][-1]"#) == [.key("a"), .key("b c"), .key("d"), .index(0), .index(-1)])
        for bad in ["a.b", "$.", "$..a", "$[*]", "$['a'", "$[x]", "$.a[0"] { #expect(JSONAssertion.steps(bad) == nil, "\(bad)") }
    }

    @Test func assertionKeysRoundTripInTheConfigAndBadOnesAreNamed() throws {
        let json = #"{"checkers":[{"type":"http","endpoint_name":"h","endpoint_url":"http://h/","json":[{"path":"$.db.status","equals":"ok"},{"path":"$.n","less_than":5,"severity":"degraded"},{"path":"$.v","matches":"^1\\."},{"path":"$.x","exists":false},{"path":"$.f","greater_than":0.5},{"path":"$.o","equals":{"a":[1,true,null]}}],"body_regex":"ok$","max_lookup":1000000,"max_connect":2000000,"max_tls":3000000,"max_first_byte":4000000,"severity":{"status":"degraded","threshold_rtt":"down"}},{"type":"tcp","endpoint_name":"t","endpoint_url":"t:1","max_connect":5000000,"severity":{"max_connect":"down"}},{"type":"tls","endpoint_name":"s","endpoint_url":"s:443","severity":{"cert_expiry":"down"}}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8))
        // configData() writes a literal `$` as `$$` (the house rule); reading that back gives the same checkup.
        let written = String(decoding: try checkup.configData(), as: UTF8.self)
        #expect(written == json.replacingOccurrences(of: "$", with: "$$"), "\(written)")
        let again = try Checkup(configData: Data(written.utf8))
        #expect(String(decoding: try again.configData(), as: UTF8.self) == written)
        #expect((again.checkers[0] as? HTTPChecker)?.json == (checkup.checkers[0] as? HTTPChecker)?.json)
        #expect((again.checkers[0] as? HTTPChecker)?.bodyRegex == "ok$")
        func message(_ checker: String) -> String {
            let text = #"{"checkers":[{"type":"http","endpoint_name":"h","endpoint_url":"http://h/",\#(checker)}]}"#
            do { _ = try Checkup(configData: Data(text.utf8)); return "" } catch { return "\(error)" }
        }
        #expect(message(#""json":[{"path":"db.status","equals":"ok"}]"#).contains("checkers[0].json[0].path: \"db.status\" is not a supported JSONPath"))
        #expect(message(#""json":[{"path":"$.a"}]"#).contains("checkers[0].json[0]: needs exactly one of equals"))
        #expect(message(#""json":[{"path":"$.a","less_than":"5"}]"#).contains("checkers[0].json[0].less_than:"))
        #expect(message(#""json":[{"path":"$.a","matches":"("}]"#).contains("is not a regular expression"))
        #expect(message(#""body_regex":"[a""#).contains(#"checkers[0].body_regex: "[a" is not a regular expression"#))
        #expect(message(#""severity":{"status":"bad"}"#).contains("checkers[0].severity.status: \"bad\" is not a severity (degraded or down)"))
        #expect(message(#""severity":{"cert_expiry":"down"}"#).contains("checkers[0].severity.cert_expiry: is not an assertion of this checker"))
    }
}
