import Foundation
import Testing
@testable import CheckupKit

/// The IMAP and POP3 STARTTLS peers (testdata/peers/mailtlsd.py), one per test process.
struct MailTLSPeers: Sendable {
    let peer: Peer
    let ports: [String: Int]
    let cert: String
    func address(_ label: String) -> String { "localhost:\(ports[label] ?? 0)" }
}

let mailTLSPeers: MailTLSPeers = {
    do {
        let dir = try makeTemporaryDirectory()
        let peer = try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/mailtlsd.py").path, dir])
        let object = try JSONValue.parse(Data(peer.banner.utf8)).objectValue ?? JSONObject()
        var ports: [String: Int] = [:]
        for (label, value) in object.pairs { if case .int(let p) = value { ports[label] = Int(p) } }
        return MailTLSPeers(peer: peer, ports: ports, cert: object["cert"]?.stringValue ?? "")
    } catch {
        preconditionFailure("cannot start the mail STARTTLS test peers: \(error)")
    }
}()

@Suite struct TLSStartTLSTests {
    func checker(_ protocolName: String, _ address: String, roots: [String], attempts: Int = 1) -> TLSChecker {
        var checker = TLSChecker(name: protocolName, address: address, timeout: .seconds(5), attempts: attempts, trustedRoots: roots)
        checker.startTLS = protocolName
        return checker
    }

    @Test(arguments: ["smtp", "imap", "pop3"])
    func starttlsUpgradesAndJudgesTheCertificateOfThatHandshake(_ name: String) async throws {
        let (address, cert) = name == "smtp" ? ("localhost:\(smtpPeer.banner.starttls)", smtpPeer.banner.cert)
                                             : (mailTLSPeers.address(name), mailTLSPeers.cert)
        let result = try await checker(name, address, roots: [cert], attempts: 2).check()
        #expect(result.status == .healthy, "\(result.times.map { $0.error ?? "" })")
        #expect(result.times.count == 2 && result.times.allSatisfy(\.passed))
        let leaf = try #require(result.certificate)
        #expect(leaf.subject == "CN=localhost" && leaf.issuer == "CN=localhost")
        // The peer's certificate is self-signed: without it as a root, the upgrade's certificate is not trusted.
        let untrusted = try await checker(name, address, roots: [tlsPeers.caFile]).check()
        #expect(untrusted.status == .down)
        #expect((untrusted.times.first?.error ?? "").hasPrefix("certificate is not trusted: "), "\(untrusted.times)")
        // The certificate's expiry is judged as for TLS from the first byte (it has 30 days).
        var soon = checker(name, address, roots: [cert])
        soon.certExpiryThreshold = .seconds(31 * 86_400)
        let expiring = try await soon.check()
        #expect(expiring.status == .degraded && expiring.notice.hasPrefix("certificate expiring soon: expires 20"))
    }

    @Test func aServerThatDoesNotOfferTheUpgradeIsDown() async throws {
        let result = try await checker("imap", mailTLSPeers.address("imap_plain"), roots: [mailTLSPeers.cert]).check()
        #expect(result.status == .down && result.certificate == nil)
        #expect(result.times.first?.error == "STARTTLS not available.")  // libcurl's CURLE_USE_SSL_FAILED
        // A TLS server from the first byte is no IMAP server: the greeting never comes.
        var https = checker("imap", tlsPeers.address("good"), roots: [tlsPeers.caFile])
        https.timeout = .seconds(1)
        let silent = try await https.check()
        #expect(silent.status == .down && silent.certificate == nil && isTimeout(silent.times.first?.error))
    }

    @Test func starttlsRoundTripsAndOnlyTheMailProtocolsAreAccepted() throws {
        let json = #"{"checkers":[{"type":"tls","endpoint_name":"Mail","endpoint_url":"mail.example.com:587","starttls":"smtp"}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect((checkup.checkers.first as? TLSChecker)?.startTLS == "smtp")
        let bad = #"{"checkers":[{"type":"tls","endpoint_url":"mail.example.com:21","starttls":"ftp"}]}"#
        do {
            _ = try Checkup(configData: Data(bad.utf8), environment: [:])
            Issue.record("starttls ftp was accepted")
        } catch let error as CheckupError {
            #expect(error.message == #"checkup.json: checkers[0].starttls: "ftp" is not a protocol checkup can upgrade (one of: smtp, imap, pop3)"#)
        }
    }
}
