import Foundation
import Testing
@testable import CheckupKit

/// The SMTP test peer (testdata/peers/smtpd.py, aiosmtpd): a STARTTLS port and an SMTPS port
/// with a self-signed certificate, AUTH required, every message written to a JSON file.
struct SMTPPeer: Sendable {
    struct Banner: Decodable {
        var starttls: Int
        var implicit: Int
        var cert: String
        var messages: String
        var user: String
        var password: String
    }

    /// One message as the peer received and parsed it (the JSON's keys in snake case).
    struct Received: Decodable {
        var mailFrom: String
        var rcptTos: [String]
        var tls: Bool
        var login: String?
        var subject: String
        var from: String
        var to: String
        var contentType: String
        var text: String?
        var html: String?
        var defects: [String]
        var raw: String
    }

    let peer: Peer
    let banner: Banner

    /// A mailer for one of the peer's ports, trusting its certificate and logged in.
    func mailer(port: Int, tls: SMTPMailer.TLSMode, password: String? = nil) -> SMTPMailer {
        SMTPMailer(server: "127.0.0.1", port: port, username: banner.user, password: password ?? banner.password,
                   tls: tls, tlsCAFile: banner.cert, timeout: .seconds(5))
    }

    /// The messages received whose envelope has a recipient containing `token`.
    func received(_ token: String) throws -> [Received] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try FileManager.default.contentsOfDirectory(atPath: banner.messages).filter { $0.hasSuffix(".json") }
            .map { try decoder.decode(Received.self, from: Data(contentsOf: URL(fileURLWithPath: banner.messages + "/" + $0))) }
            .filter { $0.rcptTos.contains { $0.contains(token) } }
    }
}

let smtpPeer: SMTPPeer = {
    do {
        let peer = try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/smtpd.py").path])
        return SMTPPeer(peer: peer, banner: try JSONDecoder().decode(SMTPPeer.Banner.self, from: Data(peer.banner.utf8)))
    } catch {
        preconditionFailure("cannot start the SMTP test peer (pip install aiosmtpd cryptography): \(error)")
    }
}()

/// A recipient address unique to one test, so tests running in parallel find their own mail.
func uniqueRecipient(_ name: String) -> (address: String, token: String) {
    let token = UUID().uuidString.prefix(8).lowercased()
    return ("\(name)+\(token)@example.com", token)
}

@Suite struct SMTPMailerTests {
    // MARK: Against the aiosmtpd peer

    @Test func startTLSWithLoginDeliversHeadersAndBothParts() async throws {
        let (rcpt, token) = uniqueRecipient("ops")
        let subject = "Checkup: 2 down — Größe ✓ \(token)"
        let text = "api is down\nweb is down\n"
        let html = "<p>api is <b>down</b></p>\n<p>web is <b>down</b></p>\n"
        try await smtpPeer.mailer(port: smtpPeer.banner.starttls, tls: .startTLS)
            .send(MailMessage(from: "Checkup <checkup@example.com>", to: [rcpt], subject: subject, text: text, html: html))

        let mail = try #require(try smtpPeer.received(token).first)
        #expect(mail.mailFrom == "checkup@example.com")
        #expect(mail.rcptTos == [rcpt])
        #expect(mail.tls)
        #expect(mail.login == smtpPeer.banner.user)
        #expect(mail.from == "Checkup <checkup@example.com>")
        #expect(mail.to == rcpt)
        #expect(mail.subject == subject)
        #expect(mail.raw.contains("Subject: =?UTF-8?B?"))
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.text?.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect(mail.html?.replacingOccurrences(of: "\r\n", with: "\n") == html)
        #expect(mail.defects.isEmpty)
        #expect(mail.raw.contains("\r\nMIME-Version: 1.0\r\n"))
        #expect(mail.raw.range(of: #"\r\nMessage-ID: <[0-9a-f]{32}@checkup>\r\n"#, options: .regularExpression) != nil)
        #expect(mail.raw.range(of: #"^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000\r\n"#, options: .regularExpression) != nil)
    }

    @Test func implicitTLSDelivers() async throws {
        let (rcpt, token) = uniqueRecipient("smtps")
        try await smtpPeer.mailer(port: smtpPeer.banner.implicit, tls: .implicit)
            .send(MailMessage(from: "checkup@example.com", to: [rcpt], subject: "over SMTPS", text: "hello", html: "<p>hello</p>"))
        let mail = try #require(try smtpPeer.received(token).first)
        #expect(mail.tls)
        #expect(mail.login == smtpPeer.banner.user)
        #expect(mail.subject == "over SMTPS")
        #expect(mail.text == "hello")
    }

    @Test func everyRecipientReceives() async throws {
        let token = UUID().uuidString.prefix(8).lowercased()
        let recipients = (1...3).map { "ops\($0)+\(token)@example.com" }
        try await smtpPeer.mailer(port: smtpPeer.banner.starttls, tls: .startTLS)
            .send(MailMessage(from: "checkup@example.com", to: ["Ops One <\(recipients[0])>"] + recipients.dropFirst(),
                              subject: "all of you", text: "hi", html: ""))
        let mails = try smtpPeer.received(token)
        #expect(mails.count == 1)  // one transaction, three RCPT TO
        let mail = try #require(mails.first)
        #expect(mail.rcptTos == recipients)
        #expect(mail.to.replacingOccurrences(of: "\r\n", with: "") == "Ops One <\(recipients[0])>, \(recipients[1]), \(recipients[2])")
        #expect(mail.contentType == "text/plain")
        #expect(mail.text == "hi")
    }

    @Test func wrongPasswordFailsWithOneLineThatHidesThePassword() async throws {
        let (rcpt, token) = uniqueRecipient("ops")
        let password = "hunter2-wrong"
        let mailer = smtpPeer.mailer(port: smtpPeer.banner.starttls, tls: .startTLS, password: password)
        let error = try await #require(throws: CheckupError.self) {
            try await mailer.send(MailMessage(from: "checkup@example.com", to: [rcpt], subject: "x", text: "x", html: ""))
        }
        #expect(error.code == .service)
        #expect(error.message == "mail to \(rcpt) via 127.0.0.1:\(smtpPeer.banner.starttls): Login denied (535)")
        #expect(!error.message.contains(password))
        #expect(try smtpPeer.received(token).isEmpty)
    }

    @Test func untrustedCertificateFailsStartTLS() async throws {
        let (rcpt, token) = uniqueRecipient("ops")
        var mailer = smtpPeer.mailer(port: smtpPeer.banner.starttls, tls: .startTLS)
        mailer.tlsCAFile = nil  // the system's roots do not know the peer's self-signed certificate
        let error = try await #require(throws: CheckupError.self) {
            try await mailer.send(MailMessage(from: "checkup@example.com", to: [rcpt], subject: "x", text: "x", html: ""))
        }
        #expect(error.message.hasPrefix("mail to \(rcpt) via 127.0.0.1:\(smtpPeer.banner.starttls): "))
        #expect(error.message.lowercased().contains("certificate"))
        #expect(try smtpPeer.received(token).isEmpty)
    }

    @Test func serverNotListeningFails() async throws {
        let port = closedPort()
        let mailer = SMTPMailer(server: "127.0.0.1", port: port, username: "u", password: "p4ss-not-shown", timeout: .seconds(2))
        let error = try await #require(throws: CheckupError.self) {
            try await mailer.send(MailMessage(from: "checkup@example.com", to: ["ops@example.com"], subject: "x", text: "x", html: ""))
        }
        #expect(error.code == .service)
        #expect(error.message.hasPrefix("mail to ops@example.com via 127.0.0.1:\(port): "))
        #expect(!error.message.contains("\n") && !error.message.contains("p4ss-not-shown"))
    }

    // MARK: Composition, without a server

    @Test func composesKnownMessage() throws {
        let message = MailMessage(from: "Checkup <checkup@example.com>", to: ["a@example.com", "\"Ops, Team\" <b@example.com>"],
                                  subject: "2 down", text: "down\n", html: "<b>down</b>")
        // 2016-09-01 12:00:00 UTC was a Thursday.
        let bytes = try message.composed(date: Date(timeIntervalSince1970: 1_472_731_200), messageID: "id1@checkup", boundary: "b-1")
        let expected = [
            "Date: Thu, 01 Sep 2016 12:00:00 +0000",
            "From: Checkup <checkup@example.com>",
            "To: a@example.com, \"Ops, Team\" <b@example.com>",
            "Subject: 2 down",
            "Message-ID: <id1@checkup>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"b-1\"",
            "",
            "--b-1",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            "ZG93bg0K",  // "down\r\n"
            "--b-1",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            "PGI+ZG93bjwvYj4=",
            "--b-1--",
            "",
        ].joined(separator: "\r\n")
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func longNonASCIISubjectIsFoldedIntoWholeCharacterEncodedWords() {
        let subject = String(repeating: "Größe ✓ ", count: 12) + "\r\nBcc: evil@example.com"
        let header = MailFormat.headerText(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded: [UInt8] = []
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let chunk = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data()
            #expect(String(data: chunk, encoding: .utf8) != nil)  // no character split across words
            decoded += chunk
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject.replacingOccurrences(of: "\r\n", with: " "))
        #expect(MailFormat.headerText("plain ASCII") == "plain ASCII")
    }

    @Test func bodiesAreCanonicalBase64InLinesOf76() {
        let text = String(repeating: "line of text\n", count: 20)
        let lines = MailFormat.base64Lines(text).components(separatedBy: "\r\n")
        #expect(lines.count == 5)  // 20 × 14 bytes = 280 → 376 base64 characters
        #expect(lines.dropLast().allSatisfy { $0.count == 76 } && lines[lines.count - 1].count <= 76)
        let decoded = Data(base64Encoded: lines.joined()).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func envelopeTakesBareAddressesAndRejectsBadOnes() throws {
        #expect(MailAddress("Checkup <a@b.example>").map { [$0.displayName, $0.address] } == ["Checkup", "a@b.example"])
        #expect(MailAddress("  a@b.example ")?.address == "a@b.example")
        #expect(MailAddress("\"Ops, \\\"Team\\\"\" <o@b.example>")?.displayName == "Ops, \"Team\"")
        #expect(MailAddress("Zoë <z@b.example>")?.headerForm == "=?UTF-8?B?Wm/Dqw==?= <z@b.example>")
        for bad in ["", "nobody", "@b.example", "a@", "a b@c.example", "a@b.example\r\nBcc: x@y.example", "X\n <a@b.example>"] {
            #expect(MailAddress(bad) == nil, "\(bad.debugDescription)")
        }
        let message = MailMessage(from: "a@b.example", to: ["ok@b.example", "bad"], subject: "", text: "", html: "")
        let error = try #require(throws: CheckupError.self) { try message.envelope() }
        #expect(error == CheckupError(.config, "mail to: \"bad\" is not an email address"))
        #expect(throws: CheckupError(.config, "mail to: no recipients")) {
            try MailMessage(from: "a@b.example", to: [], subject: "", text: "", html: "").envelope()
        }
    }

    @Test func tlsDefaultsFollowThePort() {
        #expect(SMTPMailer(server: "mail.example").tls == .startTLS)
        #expect(SMTPMailer(server: "mail.example", port: 587).url == "smtp://mail.example:587")
        #expect(SMTPMailer(server: "mail.example", port: 465).tls == .implicit)
        #expect(SMTPMailer(server: "mail.example", port: 465).url == "smtps://mail.example:465")
        #expect(SMTPMailer(server: "::1", port: 25, tls: SMTPMailer.TLSMode.none).url == "smtp://[::1]:25")
    }
}
