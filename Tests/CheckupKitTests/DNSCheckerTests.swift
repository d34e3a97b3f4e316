import Foundation
import Testing
@testable import CheckupKit

/// dnsmasq (Debian package `dnsmasq`) answering for a small `test.` zone on 127.0.0.1 and a free
/// port, started for one test and stopped by `stop()` or deinit.
///
/// dnsmasq runs under `sh`, which kills it when its standard input closes; so it never outlives
/// the test process, even one that crashes. The kill is SIGKILL because dnsmasq inherits the
/// signal mask of the (dispatch) thread that spawned it, where SIGTERM is blocked.
final class DNSPeer: @unchecked Sendable {  // immutable after init; Process is thread-safe to wait on
    let port: Int
    private let process = Process()
    private let stdin = Pipe()

    /// The zone: unknown names under `test.` are NXDOMAIN (`--local`).
    static let records = [
        "--host-record=www.test,192.0.2.1", "--host-record=v6.test,2001:db8::1", "--cname=alias.test,www.test",
        "--mx-host=test,mail.test,10", "--txt-record=test,v=spf1 -all", "--srv-host=_http._tcp.test,www.test,80",
        "--ptr-record=1.2.0.192.in-addr.arpa,www.test",
        "--dns-rr=test,257,0005697373756563612e74657374",  // CAA 0 issue "ca.test" (RFC 8659 §4.1)
        "--local=/test/",
        // For `all_addresses` (EveryAddressTests): one live and one dead address, in IPv4 and IPv6.
        "--host-record=pair.test,127.0.0.1", "--host-record=pair.test,127.0.0.2", "--host-record=dual.test,127.0.0.1,::1",
        "--host-record=dead.test,127.0.0.2", "--host-record=live.test,127.0.0.1",
        "--host-record=localhost,127.0.0.1", "--host-record=localhost,127.0.0.2",
    ] + bigTXT.map { "--txt-record=big.test,\($0)" }

    /// TXT records for `big.test.` too large for a 512-byte UDP answer, so it comes back truncated.
    static let bigTXT = (1...12).map { "record \($0) " + String(repeating: "x", count: 60) }

    /// Starts dnsmasq, trying a few ports in case another process takes the one picked.
    static func start() throws -> DNSPeer {
        var failure: any Error = CheckupError(.service, "dnsmasq did not start")
        for _ in 0..<3 {
            do { return try DNSPeer(port: closedPort()) } catch { failure = error }
        }
        throw failure
    }

    private init(port: Int) throws {
        self.port = port
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Debian puts dnsmasq in /usr/sbin, which a minimal PATH leaves out.
        process.arguments = ["-c", #"PATH="$PATH:/usr/sbin:/sbin" dnsmasq "$@" & echo $!; cat >/dev/null; kill -KILL $! 2>/dev/null; wait"#, "sh",
                             "--no-daemon", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1",
                             "--port=\(port)", "--conf-file=/dev/null"] + Self.records
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = pid_t(readFirstLine(stdout).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        // Ready when its TCP socket accepts; a dnsmasq that exits (port taken) is no peer.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, pid > 0, kill(pid, 0) == 0 {
            if Self.acceptsTCP(port), kill(pid, 0) == 0 { return }
            usleep(20_000)
        }
        stop()
        throw CheckupError(.service, "dnsmasq did not start on port \(port) (is the dnsmasq package installed?)")
    }

    /// Stops dnsmasq and waits for it; safe to call twice.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { stop() }

    var server: String { "127.0.0.1:\(port)" }

    static func acceptsTCP(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in.loopback(port: port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A UDP socket on 127.0.0.1 that receives queries and never answers.
final class SilentDNSServer: @unchecked Sendable {  // the descriptor is only closed, in deinit
    let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_in.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }

    var server: String { "127.0.0.1:\(port)" }
}

extension sockaddr_in {
    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return addr
    }
}

@Suite struct DNSCheckerTests {
    @Test func dnsCheckerFindsExpectedValuesInRecordsOfEveryType() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let cases: [(DNSChecker.QueryType, String, [String])] = [
            (.a, "www.test", ["192.0.2.1"]),
            (.a, "alias.test", ["192.0.2.1"]),
            (.aaaa, "v6.test", ["2001:DB8:0::1"]),
            (.cname, "alias.test", ["WWW.test."]),
            (.mx, "test", ["mail.test", "10 mail.test."]),
            (.txt, "test", ["v=spf1 -all"]),
            (.srv, "_http._tcp.test", ["www.test", "0 0 80 www.test."]),
            (.ptr, "1.2.0.192.in-addr.arpa", ["www.test"]),
            (.caa, "test", ["ca.test", #"0 issue "ca.test""#]),
        ]
        for (type, hostname, expect) in cases {
            let result = try await DNSChecker(name: "dns", server: peer.server, hostname: hostname,
                                              queryType: type, expect: expect).check()
            #expect(result.status == .healthy, "\(type) \(hostname): \(result.times.map { $0.error ?? "" })")
            #expect(result.title == "dns" && result.endpoint == peer.server && result.notice.isEmpty)
            #expect(result.times.count == 1 && result.times[0].rtt > .zero)
        }
    }

    @Test func dnsCheckerRetriesTruncatedAnswerOverTCP() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let result = try await DNSChecker(name: "dns", server: peer.server, hostname: "big.test", queryType: .txt,
                                          expect: DNSPeer.bigTXT).check()
        #expect(result.status == .healthy, "\(result.times.map { $0.error ?? "" })")
    }

    @Test func dnsCheckerMarksMissingExpectedValueDownAndNamesWhatItGot() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let result = try await DNSChecker(name: "dns", server: peer.server, hostname: "www.test",
                                          expect: ["192.0.2.1", "192.0.2.9"]).check()
        #expect(result.status == .down)
        #expect(result.times.first?.error == "dns: answer for www.test. (A) lacks 192.0.2.9; got 192.0.2.1")
        let mx = try await DNSChecker(name: "dns", server: peer.server, hostname: "test", queryType: .mx,
                                      expect: ["mx.test"]).check()
        #expect(mx.times.first?.error == "dns: answer for test. (MX) lacks mx.test; got 10 mail.test.")
    }

    @Test func dnsCheckerMarksNXDOMAINAndEmptyAnswersDownWithTheirRTT() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let nxdomain = try await DNSChecker(name: "dns", server: peer.server, hostname: "nosuch.test").check()
        #expect(nxdomain.status == .down)
        #expect(nxdomain.times.first?.error == "dns: NXDOMAIN for nosuch.test. (A)")
        #expect((nxdomain.times.first?.rtt ?? .zero) > .zero)
        let empty = try await DNSChecker(name: "dns", server: peer.server, hostname: "www.test", queryType: .cname).check()
        #expect(empty.status == .down)
        #expect(empty.times.first?.error == "dns: no CNAME records for www.test.")
    }

    @Test func dnsCheckerMarksSilentServerDownAtTheTimeout() async throws {
        let silent = SilentDNSServer()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await DNSChecker(name: "dns", server: silent.server, hostname: "www.test",
                                          timeout: .milliseconds(300)).check()
        let elapsed = clock.now - start
        #expect(result.status == .down)
        #expect(result.times.first?.error == "dns: no answer from \(silent.server) within 300ms")
        #expect(elapsed >= .milliseconds(280) && elapsed < .seconds(20), "took \(elapsed)")
        #expect((result.times.first?.rtt ?? .zero) >= .milliseconds(280))
        withExtendedLifetime(silent) {}
    }

    @Test func dnsCheckerMarksClosedPortDown() async throws {
        let port = closedPort()
        let result = try await DNSChecker(name: "dns", server: "127.0.0.1:\(port)", hostname: "www.test",
                                          timeout: .milliseconds(500)).check()
        #expect(result.status == .down)
        #expect(result.times.first?.error == "dns: 127.0.0.1:\(port): connection refused")
    }

    @Test func dnsCheckerIsDegradedAboveTheThreshold() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let result = try await DNSChecker(name: "dns", server: peer.server, hostname: "www.test",
                                          thresholdRTT: .nanoseconds(1)).check()
        #expect(result.status == .degraded)
        #expect(result.notice == "median round trip time exceeded threshold (1ns)")
    }

    @Test func dnsCheckerAcceptsHostnameWithOrWithoutTrailingDot() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        for hostname in ["www.test", "www.test."] {
            let result = try await DNSChecker(name: "dns", server: peer.server, hostname: hostname, attempts: 3,
                                              expect: ["192.0.2.1"]).check()
            #expect(result.status == .healthy, "\(hostname): \(result.times.map { $0.error ?? "" })")
            #expect(result.times.count == 3)
        }
    }

    @Test func dnsCheckerWithoutHostnameCountsAnyReplyToRootNSAsUp() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        #expect(try await DNSChecker(name: "dns", server: peer.server).check().status == .healthy)
        let silent = SilentDNSServer()
        let down = try await DNSChecker(name: "dns", server: silent.server, timeout: .milliseconds(200)).check()
        #expect(down.times.first?.error == "dns: no answer from \(silent.server) within 200ms")
        withExtendedLifetime(silent) {}
    }

    @Test func dnsCheckerResolvesAServerGivenByName() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let result = try await DNSChecker(name: "dns", server: "localhost:\(peer.port)", hostname: "www.test",
                                          expect: ["192.0.2.1"]).check()
        #expect(result.status == .healthy, "\(result.times.map { $0.error ?? "" })")
        #expect(result.times.first?.nameLookup != nil)
    }

    @Test func dnsCheckerStopsPromptlyWhenCancelled() async throws {
        let silent = SilentDNSServer()
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task {
            try await DNSChecker(name: "dns", server: silent.server, hostname: "www.test", timeout: .seconds(60)).check()
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = try await task.value
        #expect(clock.now - start < .seconds(40))  // cancelled, not the 60 s timeout, even on a busy machine
        #expect(result.status == .down && result.times.first?.error == "check cancelled")
        withExtendedLifetime(silent) {}
    }

    @Test func hundredConcurrentDNSChecksTakeAboutAsLongAsOne() async throws {
        let peer = try DNSPeer.start()
        defer { peer.stop() }
        let silent = SilentDNSServer()
        // Half answer at once, half time out after 1.5 s: in sequence this would take 75 s, at
        // once about 1.5 s (more on a busy machine, never near 75).
        let checkers = (0..<100).map { i in
            DNSChecker(name: "dns\(i)", server: i.isMultiple(of: 2) ? peer.server : silent.server, hostname: "www.test",
                       timeout: .milliseconds(1_500), expect: ["192.0.2.1"])
        }
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await Checkup(checkers: checkers, concurrentChecks: 100).check()
        let elapsed = clock.now - start
        #expect(results.count == 100)
        #expect(results.enumerated().allSatisfy { i, r in r.status == (i.isMultiple(of: 2) ? .healthy : .down) })
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        withExtendedLifetime(silent) {}
    }

    func reader(_ json: String) throws -> ConfigReader {
        let object = try #require(try JSONValue.parse(Data(json.utf8)).objectValue)
        return ConfigReader(object: object, path: "checkers[0]", file: "checkup.json", environment: [:])
    }

    @Test func dnsCheckerConfigRoundTripsEveryKeyInTheOriginalsOrderWithExtensionsAfter() throws {
        let json = #"{"endpoint_name":"DNS","endpoint_url":"[::1]:5353","hostname_fqdn":"test","timeout":300000000,"threshold_rtt":50000000,"attempts":3,"query_type":"MX","expect":["mail.test","10 mail.test."]}"#
        let checker = try DNSChecker(config: reader(json))
        #expect(checker == DNSChecker(name: "DNS", server: "[::1]:5353", hostname: "test", timeout: .milliseconds(300),
                                      thresholdRTT: .milliseconds(50), attempts: 3, queryType: .mx,
                                      expect: ["mail.test", "10 mail.test."]))
        #expect(String(decoding: JSONValue.object(checker.configObject).encoded(), as: UTF8.self) == json)
        let minimal = try DNSChecker(config: reader(#"{"endpoint_name":"d","endpoint_url":"127.0.0.1:53","query_type":"aaaa"}"#))
        #expect(minimal.queryType == .aaaa)
        #expect(String(decoding: JSONValue.object(DNSChecker(name: "d", server: "ns.test:53").configObject).encoded(), as: UTF8.self)
                == #"{"endpoint_name":"d","endpoint_url":"ns.test:53","attempts":1}"#)
    }

    @Test func dnsCheckerConfigErrorsNameTheKey() throws {
        func message(_ json: String) -> String? {
            do { _ = try DNSChecker(config: reader(json)); return nil } catch { return (error as? CheckupError)?.message }
        }
        #expect(message(#"{"endpoint_url":"127.0.0.1:99999"}"#)
                == #"checkup.json: checkers[0].endpoint_url: "127.0.0.1:99999" is not a DNS server address (host:port, or [IPv6]:port)"#)
        #expect(message(#"{"endpoint_url":"127.0.0.1:53","hostname_fqdn":"x","query_type":"AXFR"}"#)
                == #"checkup.json: checkers[0].query_type: "AXFR" is not a query type (one of: A, AAAA, CNAME, MX, NS, TXT, SRV, PTR, SOA, CAA)"#)
        #expect(message(#"{"endpoint_url":"127.0.0.1:53","hostname_fqdn":"a..b"}"#)
                == #"checkup.json: checkers[0].hostname_fqdn: "a..b" is not a domain name"#)
    }

    @Test func dnsCheckerServerAddressesAcceptHostPortForms() {
        func parsed(_ text: String) -> String? { DNSChecker.serverAddress(text).map { "\($0.host) \($0.port)" } }
        #expect(parsed("127.0.0.1:5353") == "127.0.0.1 5353")
        #expect(parsed("[::1]:5353") == "::1 5353")
        #expect(parsed("ns.test:53") == "ns.test 53")
        #expect(parsed("ns.test") == "ns.test 53")
        #expect(parsed("2001:db8::53") == "2001:db8::53 53")
        for bad in ["", ":53", "[::1", "[::1]53", "[ns.test]:53", "1.2.3.4:0", "a:b:c", "ns.test:x", "http://ns.test"] {
            #expect(parsed(bad) == nil, "\(bad)")
        }
    }
}
