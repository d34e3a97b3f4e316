import Foundation

/// One email to send: a plain-text and an HTML rendering of the same content.
struct MailMessage: Sendable, Equatable {
    /// The sender, `ops@example.com` or with a display name, `Checkup <ops@example.com>`.
    var from: String
    /// The recipients, each in the same forms as `from`.
    var to: [String]
    /// Any text; line breaks become spaces, non-ASCII is sent as RFC 2047 encoded words.
    var subject: String
    /// The plain-text body; any line endings.
    var text: String
    /// The HTML body; when empty the message has the text part only.
    var html: String
}

/// Sends mail through an SMTP server with libcurl (`smtp://`, `smtps://`), as the original's
/// mail notifier does with gomail.v2's `Dialer`: port 25 by default, implicit TLS on 465, login only
/// when a username is set.
struct SMTPMailer: Sendable {
    /// How the connection to the server is protected.
    enum TLSMode: Sendable, Equatable {
        /// Plain SMTP; STARTTLS is not used even when offered, so a login goes in clear.
        case none
        /// Plain SMTP upgraded with STARTTLS (RFC 3207), which the server must offer
        /// (`CURLUSESSL_ALL` on `smtp://`).
        case startTLS
        /// TLS from the first byte, SMTPS (RFC 8314), usually port 465 (`smtps://`).
        case implicit
        /// STARTTLS when the server offers it, plain otherwise (`CURLUSESSL_TRY`), as the
        /// original's mailer did; only for servers without a login.
        case opportunistic

        /// The mode a port implies: `implicit` on 465, else `startTLS`.
        ///
        /// The original (gomail.v2) uses STARTTLS opportunistically, when the server offers it.
        /// That is libcurl's `CURLUSESSL_TRY`, which the engine does not expose, so the default
        /// demands STARTTLS instead: a login never goes in clear, and a server without TLS
        /// needs `.none` said explicitly.
        static func `default`(forPort port: Int) -> TLSMode { port == 465 ? .implicit : .startTLS }
    }

    /// The server's host name or IP address.
    var server: String
    /// 25 by default; 587 is submission with STARTTLS, 465 submission over implicit TLS.
    var port: Int
    /// Login for SMTP AUTH (PLAIN, LOGIN and the others libcurl offers); none when nil or empty.
    var username: String?
    /// Sent only with a username; never written into an error.
    var password: String?
    /// How the connection is protected; set from `port` at init, not updated when it changes.
    var tls: TLSMode
    /// Accept any certificate and host name (`CURLOPT_SSL_VERIFYPEER`/`VERIFYHOST` off).
    var tlsSkipVerify = false
    /// Trust the certificates in this PEM file instead of the system's (`CURLOPT_CAINFO`).
    var tlsCAFile: String?
    /// Limit for the whole exchange, connecting included.
    var timeout: Duration = .seconds(10)

    /// Creates a mailer; `tls` defaults to what `port` implies (`TLSMode.default(forPort:)`).
    init(server: String, port: Int = 25, username: String? = nil, password: String? = nil,
         tls: TLSMode? = nil, tlsSkipVerify: Bool = false, tlsCAFile: String? = nil,
         timeout: Duration = .seconds(10)) {
        self.server = server
        self.port = port
        self.username = username
        self.password = password
        self.tls = tls ?? .default(forPort: port)
        self.tlsSkipVerify = tlsSkipVerify
        self.tlsCAFile = tlsCAFile
        self.timeout = timeout
    }

    /// `host:port`, with brackets around an IPv6 address.
    var address: String { (server.contains(":") && !server.hasPrefix("[") ? "[\(server)]" : server) + ":\(port)" }

    /// The URL libcurl connects to; no path, so libcurl greets with its own host name.
    var url: String { (tls == .implicit ? "smtps://" : "smtp://") + address }

    /// Sends `message` and returns when the server has accepted it for every recipient.
    ///
    /// - Throws: `CheckupError(.config)` when an address is not usable; `CheckupError(.service)`
    ///   with one line such as `mail to ops@example.com via 127.0.0.1:2525: Login denied (535)`
    ///   when the server cannot be reached or refuses. The password never appears in it.
    func send(_ message: MailMessage) async throws {
        let envelope = try message.envelope()
        var request = TransferRequest(url: url)
        request.protocols = "smtp,smtps"
        request.mailFrom = "<\(envelope.from.address)>"
        request.mailRecipients = envelope.to.map { "<\($0.address)>" }
        request.body = try message.composed(date: Date(), messageID: MailFormat.randomToken() + "@checkup",
                                            boundary: "checkup-" + MailFormat.randomToken())
        if let username, !username.isEmpty {
            request.username = username
            request.password = password ?? ""
        }
        request.requireTLS = tls == .startTLS || tls == .implicit
        request.tryTLS = tls == .opportunistic
        request.tlsSkipVerify = tlsSkipVerify
        request.tlsCAFile = tlsCAFile
        request.timeout = timeout
        let response = try await CurlEngine.shared.perform(request)
        guard response.succeeded else {
            throw CheckupError(.service, failure(response, recipients: envelope.to.map(\.address)))
        }
    }

    /// The one-line error for a failed transfer: recipients, server, libcurl's reason and the
    /// server's last error reply code; the password, should it ever be echoed, is masked.
    private func failure(_ response: TransferResponse, recipients: [String]) -> String {
        var reason = response.errorMessage.split(whereSeparator: \.isNewline).joined(separator: " ")
        if let password, !password.isEmpty { reason = reason.replacingOccurrences(of: password, with: "***") }
        // Only an error reply says what went wrong; a 2xx/3xx is just the last step that worked.
        if response.status >= 400, !reason.contains(String(response.status)) { reason += " (\(response.status))" }
        return "mail to \(recipients.joined(separator: ", ")) via \(address): \(reason)"
    }
}

/// A mailbox: an address with an optional display name, as in `Checkup <ops@example.com>`.
struct MailAddress: Sendable, Equatable {
    var displayName: String
    /// The bare `local@domain`, as the SMTP envelope wants it.
    var address: String

    /// Parses `a@b`, `Name <a@b>` or `"Name, Inc." <a@b>`; nil when there is no plausible
    /// address (no `@`, spaces, line breaks, or characters that would break a header).
    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name = ""
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                var unquoted = ""
                var escaped = false
                for c in name.dropFirst().dropLast() {
                    if !escaped && c == "\\" { escaped = true; continue }
                    unquoted.append(c)
                    escaped = false
                }
                name = unquoted
            }
        }
        let forbidden = Set<Unicode.Scalar>(["<", ">", ",", ";", "\"", "(", ")", "[", "]", "\\"])
        let at = address.firstIndex(of: "@")
        guard let at, at != address.startIndex, address.index(after: at) != address.endIndex,
              !address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || forbidden.contains($0) }),
              !name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" })
        else { return nil }
        self.displayName = name
        self.address = address
    }

    /// The mailbox as a header shows it (RFC 5322 §3.4): a display name with specials is
    /// quoted, a non-ASCII one is an RFC 2047 encoded word.
    var headerForm: String {
        guard !displayName.isEmpty else { return address }
        let specials = Set<Unicode.Scalar>(["(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",", ".", "\""])
        let name: String
        if MailFormat.needsEncoding(displayName) {
            name = MailFormat.encodedWords(displayName).joined(separator: " ")
        } else if displayName.unicodeScalars.contains(where: specials.contains) {
            name = "\"" + displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        } else {
            name = displayName
        }
        return "\(name) <\(address)>"
    }
}

extension MailMessage {
    /// The sender and recipients, parsed.
    /// - Throws: `CheckupError(.config)` naming the address that is not usable, or no recipients.
    func envelope() throws -> (from: MailAddress, to: [MailAddress]) {
        func parse(_ text: String, _ field: String) throws -> MailAddress {
            guard let address = MailAddress(text) else {
                throw CheckupError(.config, "mail \(field): \(String(reflecting: text)) is not an email address")
            }
            return address
        }
        let from = try parse(from, "from")
        let to = try to.map { try parse($0, "to") }
        guard !to.isEmpty else { throw CheckupError(.config, "mail to: no recipients") }
        return (from, to)
    }

    /// The message as sent in SMTP DATA (RFC 5322 with MIME, RFC 2045-2047), CRLF line endings.
    ///
    /// A `multipart/alternative` of `text/plain` then `text/html` (the preferred last), or just
    /// `text/plain` when `html` is empty. Bodies are UTF-8 in base64 of 76-character lines, so
    /// no line is too long, none starts with a dot, and none can contain the boundary.
    /// - Parameters:
    ///   - date: the `Date` header's time, written in UTC.
    ///   - messageID: the `Message-ID` without angle brackets, e.g. `3f2a…@checkup`.
    ///   - boundary: the multipart boundary; a `-` in it (outside base64's alphabet) means no
    ///     body line can equal it.
    func composed(date: Date, messageID: String, boundary: String) throws -> [UInt8] {
        let (from, to) = try envelope()
        var lines = [
            "Date: " + MailFormat.rfc5322Date(date),
            "From: " + from.headerForm,
            MailFormat.foldedList("To", to.map(\.headerForm)),
            "Subject: " + MailFormat.headerText(subject),
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        func part(_ type: String, _ body: String) -> [String] {
            ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "", MailFormat.base64Lines(body)]
        }
        if html.isEmpty {
            lines += part("text/plain", text)
        } else {
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--" + boundary)
            lines += part("text/plain", text)
            lines.append("--" + boundary)
            lines += part("text/html", html)
            lines.append("--" + boundary + "--")
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}

/// Small pieces of message composition: header encoding and folding, dates, bodies.
enum MailFormat {
    /// 32 random hex digits, for message ids and boundaries.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `Tue, 03 Jun 2025 14:05:09 +0000` (RFC 5322 §3.3), in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) +0000"
    }

    /// Whether header text must be RFC 2047 encoded: non-ASCII, control characters, something
    /// a reader would take for an encoded word, or too long for one header line.
    static func needsEncoding(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value > 0x7E || ($0.value < 0x20 && $0 != "\t") } || text.contains("=?")
            || text.utf8.count > 900
    }

    /// Unstructured header text (`Subject`): as is when plain ASCII, else encoded words, one per
    /// folded line. Line breaks become spaces, so the text cannot add header fields.
    static func headerText(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
        return needsEncoding(flat) ? encodedWords(flat).joined(separator: "\r\n ") : flat
    }

    /// `=?UTF-8?B?…?=` words (RFC 2047 §2), each at most 75 characters and whole characters
    /// only (45 UTF-8 bytes → 60 base64 characters + 12).
    static func encodedWords(_ text: String) -> [String] {
        var chunks: [[UInt8]] = [[]]
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunks[chunks.count - 1].count + bytes.count > 45 { chunks.append([]) }
            chunks[chunks.count - 1] += bytes
        }
        return chunks.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }
    }

    /// `Name: a, b, c`, folded before an item that would pass 78 characters (RFC 5322 §2.2.3).
    static func foldedList(_ name: String, _ items: [String]) -> String {
        var result = name + ":"
        var lineLength = result.count
        for (i, item) in items.enumerated() {
            let separator = i == 0 ? "" : ","
            if i > 0 && lineLength + 2 + item.count > 78 {
                result += separator + "\r\n " + item
                lineLength = 1 + item.count
            } else {
                result += separator + " " + item
                lineLength += separator.count + 1 + item.count
            }
        }
        return result
    }

    /// Text in canonical form (CRLF line ends, RFC 2045 §6.8) as UTF-8 in base64, 76-character
    /// lines joined by CRLF.
    static func base64Lines(_ text: String) -> String {
        let canonical = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Array(Data(canonical.utf8).base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76)
            .map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
            .joined(separator: "\r\n")
    }
}
