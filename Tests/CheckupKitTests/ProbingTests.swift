import Foundation
import Testing
@testable import CheckupKit

/// `all_addresses` against dnsmasq (`DNSPeer.records`: `pair.test` is 127.0.0.1 and 127.0.0.2,
/// `dual.test` 127.0.0.1 and ::1, `dead.test` 127.0.0.2, `live.test` 127.0.0.1, `localhost`
/// 127.0.0.1 and 127.0.0.2) and peers that listen on one of the addresses only.
@Suite(.serialized) struct EveryAddressTests {
    func probe(_ dns: DNSPeer) -> ProbeOptions { ProbeOptions(allAddresses: true, dnsServer: "127.0.0.1:\(dns.port)") }

    @Test func httpCheckerWithOneDeadIPv4AddressIsDegradedAndNamesIt() async throws {
        let dns = try await offPool { try DNSPeer.start() }
        defer { dns.stop() }
        let url = "http://pair.test:\(httpPeer.port)/"
        let r = try await HTTPChecker(name: "pair", url: url, attempts: 2, probe: probe(dns)).check()
        #expect(r.status == .degraded, "\(r)")
        #expect(r.times.map(\.address) == ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"])
        #expect(r.times.prefix(2).allSatisfy(\.passed) && !r.times.suffix(2).contains(where: \.passed))
        #expect(r.notice.hasPrefix("1 of 2 addresses down: 127.0.0.2 ("), "\(r.notice)")
        #expect(!r.notice.contains("127.0.0.1"))
        // The attempt's address is stored after the original's keys.
        let file = String(decoding: CheckResult.checkFileData([r]), as: UTF8.self)
        #expect(file.contains(#""address":"127.0.0.2"}"#))
        #expect(try CheckResult.decodeCheckFile(CheckResult.checkFileData([r])) == [r])
    }

    @Test func httpCheckerWithOneDeadIPv6AddressIsDegraded() async throws {
        let dns = try await offPool { try DNSPeer.start() }
        defer { dns.stop() }
        // The peer listens on 127.0.0.1 only: ::1 is refused.
        let v4 = try await HTTPChecker(name: "dual", url: "http://dual.test:\(httpPeer.port)/", probe: probe(dns)).check()
        #expect(v4.status == .degraded && v4.notice.hasPrefix("1 of 2 addresses down: ::1 ("), "\(v4)")
        // A peer on ::1 only: now 127.0.0.1 is the dead one, and the Host header still names dual.test.
        let six = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path, "--bind", "::1"]) }
        let v6 = try await HTTPChecker(name: "dual", url: "http://dual.test:\(six.port)/echo", mustContain: "Host: dual.test:\(six.port)",
                                       probe: probe(dns)).check()
        #expect(v6.status == .degraded && v6.notice.hasPrefix("1 of 2 addresses down: 127.0.0.1 ("), "\(v6)")
        #expect(v6.times.map(\.address) == ["127.0.0.1", "::1"] && v6.times[1].passed)
    }

    @Test func everyAddressUpIsHealthyAndEveryAddressDownIsDown() async throws {
        let dns = try await offPool { try DNSPeer.start() }
        defer { dns.stop() }
        let up = try await HTTPChecker(name: "live", url: "http://live.test:\(httpPeer.port)/", probe: probe(dns)).check()
        #expect(up.status == .healthy && up.notice.isEmpty && up.times.map(\.address) == ["127.0.0.1"], "\(up)")
        let down = try await TCPChecker(name: "dead", address: "dead.test:\(httpPeer.port)", probe: probe(dns)).check()
        #expect(down.status == .down && down.notice.hasPrefix("every address is down: 127.0.0.2 ("), "\(down)")
        let unknown = try await HTTPChecker(name: "nx", url: "http://nx.test:\(httpPeer.port)/", probe: probe(dns)).check()
        #expect(unknown.status == .down)
        #expect(unknown.times.map(\.error) == ["cannot resolve nx.test: A: NXDOMAIN, AAAA: NXDOMAIN"])
        // An address literal is its own only address; no lookup.
        let literal = try await HTTPChecker(name: "lit", url: peerURL("/"), probe: ProbeOptions(allAddresses: true, dnsServer: "127.0.0.1:1")).check()
        #expect(literal.status == .healthy && literal.times.map(\.address) == ["127.0.0.1"])
    }

    @Test func tcpAndTLSCheckersCheckEveryAddress() async throws {
        let dns = try await offPool { try DNSPeer.start() }
        defer { dns.stop() }
        let tcp = try await TCPChecker(name: "pair", address: "pair.test:\(httpPeer.port)", attempts: 2, probe: probe(dns)).check()
        #expect(tcp.status == .degraded && tcp.notice.hasPrefix("1 of 2 addresses down: 127.0.0.2 ("), "\(tcp)")
        // The certificate is judged for the name (localhost) at each address.
        let tls = try await TLSChecker(name: "tls", address: tlsPeers.address("good"), timeout: .seconds(10),
                                       trustedRoots: [tlsPeers.caFile], probe: probe(dns)).check()
        #expect(tls.status == .degraded && tls.notice.hasPrefix("1 of 2 addresses down: 127.0.0.2 ("), "\(tls)")
        #expect(tls.certificate != nil && tls.times.map(\.address) == ["127.0.0.1", "127.0.0.2"])
    }

    @Test func everyAddressKeysRoundTripInTheConfig() throws {
        let json = #"{"checkers":[{"type":"http","endpoint_name":"a","endpoint_url":"http://a.test/","method":"POST","body":"{}","retry":true,"flaky_is_degraded":true,"all_addresses":true,"dns_server":"127.0.0.1:53"},{"type":"tcp","endpoint_name":"b","endpoint_url":"b.test:1","all_addresses":true},{"type":"tls","endpoint_name":"c","endpoint_url":"c.test:443","retry":true}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8))
        let written = String(decoding: try checkup.configData(), as: UTF8.self)
        #expect(written == json, "\(written)")
        let http = try #require(checkup.checkers[0] as? HTTPChecker)
        #expect(http.probe == ProbeOptions(retry: true, flakyIsDegraded: true, allAddresses: true, dnsServer: "127.0.0.1:53"))
        let bad = #"{"checkers":[{"type":"tcp","endpoint_name":"b","endpoint_url":"b.test:1","dns_server":"a b"}]}"#
        #expect(throws: CheckupError.self) { try Checkup(configData: Data(bad.utf8)) }
    }
}

/// `retry` and flaky results, against httpd.py's `/flaky/<key>` (503 for its first request only).
@Suite struct FlakyTests {
    @Test func resultThatPassedOnARetryIsFlakyAndHealthy() async throws {
        let key = UUID().uuidString
        let r = try await HTTPChecker(name: "flaky", url: peerURL("/flaky/\(key)"), attempts: 3, probe: ProbeOptions(retry: true)).check()
        #expect(r.status == .healthy && r.flaky && r.notice == "passed on attempt 2 of 3", "\(r)")
        // Every attempt stays in `times`; none runs after the pass.
        #expect(r.times.count == 2 && r.times[0].error == "response status 503 Service Unavailable" && r.times[1].passed)
        let file = String(decoding: CheckResult.checkFileData([r]), as: UTF8.self)
        #expect(file.hasSuffix(#""notice":"passed on attempt 2 of 3","flaky":true}]"# + "\n"))
        #expect(try CheckResult.decodeCheckFile(CheckResult.checkFileData([r])) == [r])
        // The next check passes at once: not flaky.
        let again = try await HTTPChecker(name: "flaky", url: peerURL("/flaky/\(key)"), attempts: 3, probe: ProbeOptions(retry: true)).check()
        #expect(again.status == .healthy && !again.flaky && again.notice.isEmpty && again.times.count == 1)
    }

    @Test func flakyIsDegradedWhenConfiguredAndWithoutRetryAFailedAttemptIsStillDown() async throws {
        let degraded = try await HTTPChecker(name: "f", url: peerURL("/flaky/\(UUID().uuidString)"), attempts: 3,
                                             probe: ProbeOptions(retry: true, flakyIsDegraded: true)).check()
        #expect(degraded.status == .degraded && degraded.flaky && degraded.notice == "passed on attempt 2 of 3")
        let original = try await HTTPChecker(name: "f", url: peerURL("/flaky/\(UUID().uuidString)"), attempts: 3).check()
        #expect(original.status == .down && !original.flaky && original.times.count == 3)
        let never = try await HTTPChecker(name: "f", url: peerURL("/status/500"), attempts: 2, probe: ProbeOptions(retry: true)).check()
        #expect(never.status == .down && !never.flaky && never.times.count == 2)
    }

    @Test func flakyResultsAreCountedPerDayInTheSummary() throws {
        let day: Int64 = 86_400_000_000_000, start = 20_000 * day  // a fixed UTC midnight
        func result(_ at: Int64, flaky: Bool) -> CheckResult {
            var r = CheckResult(title: "Web", endpoint: "https://w/", timestamp: at, times: [Attempt(rtt: .milliseconds(5))])
            r.conclude()
            if flaky { r.flaky = true; r.notice = "passed on attempt 2 of 2"; r.times.insert(Attempt(rtt: .milliseconds(9), error: "x"), at: 0) }
            return r
        }
        let results = [result(start, flaky: true), result(start + day / 2, flaky: false), result(start + day, flaky: true),
                       result(start + 5 * day, flaky: false)]
        let summary = StatusSummary(origin: "a", rebuildingFrom: results, now: start + 5 * day)
        let web = try #require(summary.endpoints.first)
        #expect(web.days.map(\.flaky) == [1, 1, 0] && web.days.map(\.healthy) == [2, 1, 1])
        let data = summary.jsonData()
        #expect(String(decoding: data, as: UTF8.self).contains(#"["2024-10-05",1,1,0,0,0,7000000,7000000,7000000,7000000,1]"#))
        #expect(try StatusSummary(jsonData: data, name: "s") == summary)
        var live = StatusSummary(origin: "a", rebuildingFrom: Array(results.prefix(2)), now: start + day / 2)
        #expect(live.endpoints[0].recent.map(\.flaky) == [1, 0])
        // The flaky event's reason is its notice, not the failed attempt's error.
        #expect(live.endpoints[0].events.map(\.reason) == ["passed on attempt 2 of 2"])
        live = try StatusSummary(jsonData: live.jsonData(), name: "s")
        #expect(live.endpoints[0].recent.map(\.flaky) == [1, 0])
    }

    @Test func foldedPointsKeepTheirFlakyCount() throws {
        let minute: Int64 = 60_000_000_000, start = 20_000 * 86_400_000_000_000 + 10 * minute
        func result(_ at: Int64, flaky: Bool) -> CheckResult {
            var r = CheckResult(title: "Web", endpoint: "https://w/", timestamp: at, times: [Attempt(rtt: .milliseconds(5))])
            r.conclude()
            r.flaky = flaky
            return r
        }
        // Six results in one minute, two of them flaky, folded once they are older than ten minutes.
        let results = (0..<6).map { result(start + Int64($0) * 5_000_000_000, flaky: $0 % 3 == 0) }
        let summary = StatusSummary(origin: "a", rebuildingFrom: results, now: start + 20 * minute)
        let points = summary.endpoints[0].recent
        #expect(points.map(\.count) == [6] && points.map(\.flaky) == [2])
        #expect(summary.endpoints[0].days.map(\.flaky) == [2])
        let text = String(decoding: summary.jsonData(), as: UTF8.self)
        #expect(text.contains(",null,null,null,null,6,2]]"), "\(text)")
        #expect(try StatusSummary(jsonData: summary.jsonData(), name: "s") == summary)
        // One flaky result alone writes its count of 1 before the flaky count.
        let one = StatusSummary(origin: "a", rebuildingFrom: [result(start, flaky: true)], now: start)
        #expect(String(decoding: one.jsonData(), as: UTF8.self).contains(",null,null,null,null,1,1]]"))
    }
}
