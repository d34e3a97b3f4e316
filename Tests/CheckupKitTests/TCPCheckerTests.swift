import Foundation
import Testing
@testable import CheckupKit

@Suite struct TCPCheckerTests {
    @Test func openPortIsHealthyForEveryAttempt() async throws {
        let r = try await TCPChecker(name: "open", address: "127.0.0.1:\(httpPeer.port)", attempts: 2).check()
        #expect(r.status == .healthy && r.times.count == 2 && r.times.allSatisfy { $0.rtt > .zero })
        #expect(try await TCPChecker(name: "v6", address: "localhost:\(httpPeer.port)").check().status == .healthy)
        #expect(try await TCPChecker(name: "slow", address: "127.0.0.1:\(httpPeer.port)", thresholdRTT: .nanoseconds(1)).check().status == .degraded)
    }

    @Test func refusedPortIsDown() async throws {
        let r = try await TCPChecker(name: "closed", address: "127.0.0.1:\(closedPort())").check()
        #expect(r.status == .down && (r.times[0].error ?? "").contains("Couldn't connect"))
    }

    @Test func ipv6LiteralsWork() async throws {
        // The peer listens on 127.0.0.1 only, so ::1 is refused: the point is that the address is understood.
        let r = try await TCPChecker(name: "v6", address: "[::1]:\(closedPort())").check()
        #expect(r.status == .down && !(r.times[0].error ?? "").contains("URL"))
    }

    @Test func tlsHandshakeVerifiedAgainstTheGivenCA() async throws {
        // A generous timeout: a busy two-core machine can take over the default 1 s for a handshake.
        let good = try await TCPChecker(name: "tls", address: tlsPeers.address("good"), tls: true, tlsCAFile: tlsPeers.caFile,
                                        timeout: .seconds(10)).check()
        #expect(good.status == .healthy, "\(good.times)")
        #expect(good.times[0].tlsHandshake != nil)
        let untrusted = try await TCPChecker(name: "tls", address: tlsPeers.address("good"), tls: true, timeout: .seconds(10)).check()
        #expect(untrusted.status == .down)
        #expect(untrusted.times[0].error.map { !$0.contains("timed out") } == true, "\(untrusted.times)")
        let skipped = try await TCPChecker(name: "tls", address: tlsPeers.address("selfsigned"), tls: true, tlsSkipVerify: true,
                                           timeout: .seconds(10)).check()
        #expect(skipped.status == .healthy, "\(skipped.times)")
    }

    @Test func handshakeThatNeverCompletesEndsAtTheTimeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let r = try await TCPChecker(name: "stall", address: tlsPeers.address("stall"), tls: true, timeout: .milliseconds(300)).check()
        #expect(r.status == .down && isTimeout(r.times[0].error), "\(r.times[0].error ?? "")")
        #expect(clock.now - start < .seconds(20))
        // Without a timeout the original's 1 s default applies, to plain TCP as well.
        let start2 = clock.now
        let plain = try await TCPChecker(name: "stall", address: tlsPeers.address("stall"), tls: true).check()
        #expect(plain.status == .down && clock.now - start2 < .seconds(20))
    }

    @Test func manyChecksRunConcurrently() async throws {
        // A generous timeout: the Python peer does 100 handshakes at once on a loaded two-core machine.
        let checkers: [any Checker] = (0..<200).map { TCPChecker(name: "t\($0)", address: "127.0.0.1:\(httpPeer.port)", timeout: .seconds(8)) }
            + (0..<100).map { TCPChecker(name: "s\($0)", address: tlsPeers.address("good"), tls: true, tlsCAFile: tlsPeers.caFile, timeout: .seconds(8)) }
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await Checkup(checkers: checkers, concurrentChecks: 300).check()
        let elapsed = clock.now - start
        #expect(results.count == 300)
        let failures = results.filter { $0.status != .healthy }.compactMap { $0.times.first?.error }
        #expect(failures.isEmpty, "\(failures.count) failed, e.g. \(failures.first ?? "")")
        // Bounded, not timed: seconds even on a busy machine; a hang or a lock per check, minutes.
        #expect(elapsed < .seconds(60), "300 checks took \(elapsed)")
    }

    @Test func configRoundTripsAndRejectsBadAddresses() throws {
        let json = #"{"checkers":[{"type":"tcp","endpoint_name":"DB","endpoint_url":"[::1]:5432","tls":true,"tls_skip_verify":true,"tls_ca_file":"/ca.pem","timeout":2000000000,"threshold_rtt":5000000,"attempts":3}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        for bad in ["example.com", "::1:80", "host:0", "host:http"] {
            #expect(throws: CheckupError(.config, "checkup.json: checkers[0].endpoint_url: \"\(bad)\" is not host:port (use [addr]:port for IPv6)")) {
                try Checkup(configData: Data(#"{"checkers":[{"type":"tcp","endpoint_url":"\#(bad)"}]}"#.utf8), environment: [:])
            }
        }
    }

    /// testdata/peers/bannerd.py: "220 banner.test ready", then +PONG to PING and 221 bye to QUIT.
    static let banner: Peer? = try? Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/bannerd.py").path])

    @Test func sendAndExpectCheckABannerAndAnAnswer() async throws {
        let port = try #require(await offPool { Self.banner }).port
        let greeting = try await TCPChecker(name: "smtp-ish", address: "127.0.0.1:\(port)", expect: "220 ").check()
        #expect(greeting.status == .healthy && greeting.times[0].connect != nil, "\(greeting.times)")
        let ping = try await TCPChecker(name: "redis-ish", address: "localhost:\(port)", attempts: 2, send: "PING\r\n", expect: "+PONG").check()
        #expect(ping.status == .healthy && ping.times.count == 2, "\(ping.times)")
        let silent = try await TCPChecker(name: "no answer", address: "127.0.0.1:\(port)", timeout: .milliseconds(300), expect: "+PONG").check()
        #expect(silent.status == .down)
        #expect(silent.times[0].error == "timed out after 300ms waiting for '+PONG' (received '220 banner.test ready')")
        let closed = try await TCPChecker(name: "quit", address: "127.0.0.1:\(port)", send: "QUIT\r\n", expect: "+PONG").check()
        // What was received is shown with its control characters escaped.
        #expect(closed.times[0].error == #"connection closed before '+PONG' arrived (received '220 banner.test ready\x0d\x0a221 bye')"#)
        let refused = try await TCPChecker(name: "closed", address: "127.0.0.1:\(closedPort())", expect: "220").check()
        #expect(refused.status == .down && refused.times[0].error == "Connection refused")
    }

    @Test func sendAndExpectRoundTripInTheConfig() throws {
        let json = #"{"checkers":[{"type":"tcp","endpoint_name":"r","endpoint_url":"r:6379","send":"PING\r\n","expect":"+PONG"}],"timestamp":"0001-01-01T00:00:00Z"}"#
        #expect(String(decoding: try Checkup(configData: Data(json.utf8)).configData(), as: UTF8.self) == json)
        let tls = #"{"checkers":[{"type":"tcp","endpoint_name":"r","endpoint_url":"r:1","tls":true,"expect":"x"}]}"#
        #expect(throws: CheckupError.self) { try Checkup(configData: Data(tls.utf8)) }
    }
}
