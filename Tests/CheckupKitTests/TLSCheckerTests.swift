import Foundation
import Testing
@testable import CheckupKit

@Suite struct TLSCheckerTests {
    func check(_ label: String, roots: [String]? = nil, expiry: Duration = .zero, host: String = "localhost",
               attempts: Int = 1, timeout: Duration = .zero) async throws -> CheckResult {
        try await TLSChecker(name: label, address: "\(host):\(tlsPeers.ports[label] ?? 0)", timeout: timeout,
                             attempts: attempts, certExpiryThreshold: expiry,
                             trustedRoots: roots ?? [tlsPeers.caFile]).check()
    }

    @Test func trustedValidCertificateIsHealthyAndReported() async throws {
        let r = try await check("good", attempts: 2)
        #expect(r.status == .healthy && r.times.count == 2)
        let cert = try #require(r.certificate)
        #expect(cert.subject == "O=checkup tests,CN=localhost")
        #expect(cert.issuer == "O=checkup tests,CN=checkup test CA")
        let days = (cert.notAfter - Int64(Date().timeIntervalSince1970)) / 86_400
        #expect((88...90).contains(days))
        // The extension round-trips through a check file.
        #expect(try CheckResult.decodeCheckFile(CheckResult.checkFileData([r]))[0].certificate == cert)
        #expect(try await check("good", host: "127.0.0.1").status == .healthy)  // IP SAN
    }

    @Test func expiredCertificateIsDownSayingWhen() async throws {
        let r = try await check("expired")
        #expect(r.status == .down)
        let error = r.times[0].error ?? ""
        #expect(error.hasPrefix("certificate expired 4") && error.contains("ago (on "), "\(error)")
    }

    @Test func certificateExpiringInsideTheThresholdIsDegradedWithTheDate() async throws {
        let r = try await check("soon")
        #expect(r.status == .degraded)
        #expect(r.notice.hasPrefix("certificate expiring soon: expires 20"), "\(r.notice)")
        let longer = try await check("good", expiry: .seconds(91 * 86_400))
        #expect(longer.status == .degraded)
        #expect(try await check("good", expiry: .seconds(30 * 86_400)).status == .healthy)
    }

    @Test func untrustedSelfSignedAndMismatchedCertificatesAreDownSayingWhich() async throws {
        let system = try await check("good", roots: [])
        #expect(system.status == .down && system.times[0].error == "certificate is not trusted: unable to get local issuer certificate")
        let selfSigned = try await check("selfsigned")
        #expect(selfSigned.status == .down)
        #expect((selfSigned.times[0].error ?? "").hasPrefix("certificate is not trusted: self"), "\(selfSigned.times[0].error ?? "")")
        let own = try await check("selfsigned", roots: [tlsPeers.directory + "/selfsigned.pem"])
        #expect(own.status == .healthy)
        let mismatch = try await check("mismatch")
        #expect(mismatch.status == .down)
        #expect(mismatch.times[0].error == "certificate is not valid for localhost (subject O=checkup tests,CN=other.example)")
    }

    @Test func aRootFileThatChangesIsReadAgain() async throws {
        // The store built from a root file is kept between checks; a new file in its place counts.
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let roots = dir + "/roots.pem"
        try FileManager.default.copyItem(atPath: tlsPeers.directory + "/selfsigned.pem", toPath: roots)
        let wrong = try await check("good", roots: [roots])
        #expect(wrong.status == .down && (wrong.times[0].error ?? "").hasPrefix("certificate is not trusted"), "\(wrong.times)")
        #expect(try await check("good", roots: [roots]).status == .down)  // the kept store, same answer
        let ca = try Data(contentsOf: URL(fileURLWithPath: tlsPeers.caFile))
        try ca.write(to: URL(fileURLWithPath: roots + ".new"))
        #expect(rename(roots + ".new", roots) == 0)
        #expect(try await check("good", roots: [roots]).status == .healthy)
        try FileManager.default.removeItem(atPath: roots)
        await #expect(throws: CheckupError.self) { try await check("good", roots: [roots]) }  // never the kept store
    }

    @Test func unreachableOrStalledServersAreDownWithinTheTimeout() async throws {
        let closed = try await TLSChecker(name: "closed", address: "127.0.0.1:\(closedPort())").check()
        #expect(closed.status == .down && closed.certificate == nil)
        let clock = ContinuousClock()
        let start = clock.now
        let stalled = try await check("stall", timeout: .milliseconds(300))
        #expect(stalled.status == .down && isTimeout(stalled.times[0].error), "\(stalled.times[0].error ?? "")")
        #expect(clock.now - start < .seconds(20))
    }

    @Test func unreadableTrustedRootIsAConfigurationError() async {
        await #expect(throws: CheckupError(.config, "x: trusted_roots[0]: error reading root certificate /nonexistent.pem")) {
            try await TLSChecker(name: "x", address: "localhost:1", trustedRoots: ["/nonexistent.pem"]).check()
        }
    }

    @Test func hundredTLSChecksRunConcurrently() async throws {
        let checkers = (0..<100).map {
            TLSChecker(name: "t\($0)", address: tlsPeers.address("good"), trustedRoots: [tlsPeers.caFile])
        }
        let clock = ContinuousClock()
        let start = clock.now
        let results = try await Checkup(checkers: checkers, concurrentChecks: 100).check()
        #expect(results.allSatisfy { $0.status == .healthy })
        // Bounded, not timed: 100 handshakes take a few seconds even on a busy two-core machine;
        // a hang or a lock around each check would take minutes.
        #expect(clock.now - start < .seconds(60))
    }

    @Test func configRoundTripsEveryKey() throws {
        let json = #"{"checkers":[{"type":"tls","endpoint_name":"Site","endpoint_url":"example.com:443","timeout":3000000000,"threshold_rtt":200000000,"attempts":2,"cert_expiry_threshold":2592000000000000,"trusted_roots":["/etc/a.pem","/etc/b.pem"]}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect((checkup.checkers[0] as? TLSChecker)?.certExpiryThreshold == .seconds(30 * 86_400))
    }
}
