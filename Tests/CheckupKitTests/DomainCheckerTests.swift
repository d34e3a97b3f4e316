import Foundation
import Testing
@testable import CheckupKit

/// The RDAP registry and bootstrap peer (testdata/peers/rdapd.py), one per test process.
let rdapPeer: Peer = {
    do {
        return try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/rdapd.py").path])
    } catch {
        preconditionFailure("cannot start the RDAP test peer: \(error)")
    }
}()

@Suite struct DomainCheckerTests {
    /// The instant every test judges at: 2026-12-02T00:00:00Z.
    let now = RFC3339.parse("2026-12-02T00:00:00Z") ?? 0
    let hour: Int64 = 3_600_000_000_000
    var bootstrapURL: String { "http://127.0.0.1:\(rdapPeer.port)/dns.json" }

    func check(_ domain: String, at: Int64? = nil, bootstrap: String? = nil, store: (any CheckerStore)? = nil) async throws -> CheckResult {
        var checker = DomainChecker(domain: domain, rdapBootstrap: bootstrap ?? bootstrapURL, timeout: .seconds(5), store: store)
        checker.now = at ?? now
        return try await checker.check()
    }

    func lookups(_ domain: String) async throws -> Int {
        let (_, body, _) = try await httpGet("http://127.0.0.1:\(rdapPeer.port)/count")
        guard case .int(let n)? = try JSONValue.parse(Data(body.utf8)).objectValue?["/rdap/domain/\(domain)"] else { return 0 }
        return Int(n)
    }

    @Test func expiryFarAwayIsHealthyWithinTheThresholdDegradedAndPastItDown() async throws {
        let fresh = try await check("fresh.test")
        #expect(fresh.status == .healthy && fresh.notice == "domain registration expires on 2030-01-01T00:00:00Z")
        #expect(fresh.title == "fresh.test" && fresh.endpoint == "fresh.test" && fresh.timestamp == now)
        let soon = try await check("soon.test")
        #expect(soon.status == .degraded && soon.notice == "domain registration expires on 2026-12-20T04:00:00Z (in 436h0m0s)")
        #expect(soon.times.first?.warnings == [soon.notice])
        let expired = try await check("EXPIRED.test")
        #expect(expired.status == .down && expired.notice == "domain registration expired on 2026-11-01T00:00:00Z (744h0m0s ago)")
        #expect(expired.times.first?.error == expired.notice)
        // A threshold of its own: 18 days 4 hours left is fine against 7 days.
        var weekly = DomainChecker(domain: "soon.test", expiryThreshold: .seconds(7 * 86_400), rdapBootstrap: bootstrapURL)
        weekly.now = now
        #expect(try await weekly.check().status == .healthy)
        // The bootstrap's longest match wins: sub.test has its own registry.
        #expect(try await check("x.sub.test").notice == "domain registration expires on 2031-05-06T07:08:09Z")
    }

    @Test func aBootstrapFileWorksAsTheURLDoes() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let file = dir + "/dns.json"
        let (_, body, _) = try await httpGet(bootstrapURL)
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await check("fresh.test", bootstrap: file).status == .healthy)
        let missing = try await check("fresh.test", bootstrap: dir + "/none.json")
        #expect(missing.status == .degraded && missing.notice == "RDAP lookup failed: cannot read the RDAP bootstrap file \(dir)/none.json")
    }

    @Test func untrustedAnswersFailWithTheirReasonAndDegradeRatherThanPage() async throws {
        let base = "http://127.0.0.1:\(rdapPeer.port)/rdap/domain/"
        for (domain, reason) in [
            ("missing.test", "RDAP \(base)missing.test answered 404 Not Found: no such registration (Not Found)"),
            ("noexpiry.test", "the RDAP answer for noexpiry.test has no expiration event"),
            ("other.test", #"the RDAP answer is for "EVIL.TEST", not other.test"#),
            ("garbage.test", "the RDAP answer for garbage.test is not a JSON object"),
            ("huge.test", "RDAP \(base)huge.test: response body is larger than 1048576 bytes"),
            ("nic.zz", "no RDAP service for .zz in the bootstrap file"),
        ] {
            let result = try await check(domain)
            #expect(result.status == .degraded && result.notice == "RDAP lookup failed: \(reason)", "\(result.notice)")
        }
    }

    @Test func anAnswerIsKeptInTheStoreForADayAndUsedWhenTheRegistryIsDown() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let store = FileSystemStorage(directory: dir)
        let before = try await lookups("cached.test")
        #expect(try await check("cached.test", store: store).status == .healthy)
        #expect(try await lookups("cached.test") == before + 1)
        #expect(FileManager.default.fileExists(atPath: dir + "/rdap/cached.test.json"))
        // Within the day the kept answer is judged, at the round's own time.
        let kept = try await check("cached.test", at: now + 23 * hour, store: store)
        #expect(kept.notice == "domain registration expires on 2029-03-04T05:06:07Z" && kept.timestamp == now + 23 * hour)
        #expect(try await lookups("cached.test") == before + 1)
        // A day later the registry is asked again.
        #expect(try await check("cached.test", at: now + 25 * hour, store: store).status == .healthy)
        #expect(try await lookups("cached.test") == before + 2)
        // With the registry out of reach, the last answer is judged, and the notice says so.
        let dead = dir + "/dead.json"
        try #"{"services":[[["test"],["http://127.0.0.1:\#(closedPort())/"]]]}"#.write(toFile: dead, atomically: true, encoding: .utf8)
        let stale = try await check("cached.test", at: now + 50 * hour, bootstrap: dead, store: store)
        #expect(stale.status == .healthy)
        #expect(stale.notice.hasPrefix("domain registration expires on 2029-03-04T05:06:07Z; RDAP lookup failed (RDAP http://127.0.0.1:"))
        #expect(stale.notice.hasSuffix("judged from the answer of \(RFC3339.format(now + 25 * hour))"))
    }

    @Test func configRoundTripsAndRefusesWhatIsNotADomain() throws {
        let json = #"{"checkers":[{"type":"domain","endpoint_name":"Registration","domain":"example.com","domain_expiry_threshold":1209600000000000,"rdap_bootstrap":"/etc/checkup/dns.json","timeout":5000000000}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        let idn = try Checkup(configData: Data(#"{"checkers":[{"type":"domain","domain":"Bücher.example."}]}"#.utf8), environment: [:])
        #expect((idn.checkers.first as? DomainChecker)?.domain == "xn--bcher-kva.example")
        // Without endpoint_name the domain is its name, for `checkup check NAME` as for results.
        #expect(try idn.checker(named: "XN--BCHER-KVA.example").name == "xn--bcher-kva.example")
        #expect(String(decoding: try idn.configData(), as: UTF8.self).contains(#"{"type":"domain","domain":"xn--bcher-kva.example"}"#))
        for (domain, message) in [
            (#""localhost""#, #"checkup.json: checkers[0].domain: "localhost" is not a registered domain name such as "example.com""#),
            (#""exa mple.com""#, #"checkup.json: checkers[0].domain: "exa mple.com" is not a registered domain name such as "example.com""#),
            (#""a..com""#, #"checkup.json: checkers[0].domain: "a..com" is not a registered domain name such as "example.com""#),
            ("7", "checkup.json: checkers[0].domain: 7 is a number, expected a string"),
        ] {
            do {
                _ = try Checkup(configData: Data(#"{"checkers":[{"type":"domain","domain":\#(domain)}]}"#.utf8), environment: [:])
                Issue.record("\(domain) was accepted")
            } catch let error as CheckupError {
                #expect(error.message == message)
            }
        }
    }

    @Test func theCommandStoresTheVerdictAndKeepsTheAnswerBesideTheCheckFiles() throws {
        let dir = try makeProject(checkers: #"[{"type":"domain","endpoint_name":"Registration","domain":"soon.test","rdap_bootstrap":"\#(bootstrapURL)"}]"#)
        defer { removeDirectory(dir) }
        var config = try String(contentsOfFile: dir + "/checkup.json", encoding: .utf8)
        config = String(config.dropLast()) + #","timestamp":"2026-12-02T00:00:00Z"}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let run = try runCLI(["--store", "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try CheckResult.decodeCheckFile(Data(run.stdout.utf8)).first)
        #expect(result.status == .degraded && result.title == "Registration" && result.notice.hasSuffix("(in 436h0m0s)"))
        #expect(checkFiles(dir + "/checks").count == 1 && FileManager.default.fileExists(atPath: dir + "/checks/rdap/soon.test.json"))
    }

    @Test func httpAndTCPCheckersWithDomainExpiryThresholdJudgeTheirHostsRegistrationToo() async throws {
        func run(_ checker: any Checker, store: (any CheckerStore)? = nil) async throws -> CheckResult {
            var checkup = Checkup(checkers: [checker], timestamp: now, storage: store as? any Storage)
            checkup.origin = "here"
            return try #require(try await checkup.runChecks().first)
        }
        func http(_ host: String) -> HTTPChecker {
            var checker = HTTPChecker(name: host, url: "http://\(host):\(httpPeer.port)/")
            checker.probe.domainExpiryThreshold = .seconds(30 * 86_400)
            checker.probe.rdapBootstrap = bootstrapURL
            return checker
        }
        let soon = try await run(http("www.soon.localhost"))
        #expect(soon.status == .degraded && soon.notice == "domain registration expires on 2026-12-20T04:00:00Z (in 436h0m0s)")
        #expect(soon.times.count == 1 && soon.times[0].passed)  // the http attempt, as ever
        let expired = try await run(http("expired.localhost"))
        #expect(expired.status == .down && expired.notice.hasPrefix("domain registration expired on 2026-11-01T00:00:00Z"))
        #expect(try await run(http("fresh.localhost")).status == .healthy)
        // Below a suffix of two labels: co.localhost is no registration (404), soon.co.localhost is.
        #expect(try await run(http("www.soon.co.localhost")).status == .degraded)
        // No registry answer changes nothing; an address has no domain; the threshold is off by default.
        #expect(try await run(http("www.unknown.localhost")).status == .healthy)
        var plain = http("soon.localhost")
        plain.probe.domainExpiryThreshold = .zero
        #expect(try await run(plain).status == .healthy)
        // A tcp checker, and the answer kept in the store like the domain checker's.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        var tcp = TCPChecker(name: "Web port", address: "soon.localhost:\(httpPeer.port)")
        tcp.probe.domainExpiryThreshold = .seconds(30 * 86_400)
        tcp.probe.rdapBootstrap = bootstrapURL
        #expect(try await run(tcp, store: FileSystemStorage(directory: dir)).status == .degraded)
        #expect(FileManager.default.fileExists(atPath: dir + "/rdap/soon.localhost.json"))
        // The keys round-trip with the checker's other keys.
        let json = #"{"checkers":[{"type":"tls","endpoint_name":"Site","endpoint_url":"example.com:443","domain_expiry_threshold":2592000000000000,"rdap_bootstrap":"https://rdap.example/dns.json"}],"timestamp":"0001-01-01T00:00:00Z"}"#
        #expect(String(decoding: try Checkup(configData: Data(json.utf8), environment: [:]).configData(), as: UTF8.self) == json)
    }
}
