import Foundation

/// What one libcurl transfer should do. Plain values, so a request can cross to the loop thread;
/// the easy handle itself is made and freed on that thread only.
struct TransferRequest: Sendable {
    var url: String
    var method: String = "GET"
    /// Header lines as sent, `Name: value`.
    var headers: [String] = []
    var body: [UInt8]? = nil
    /// Limit for the whole transfer (`CURLOPT_TIMEOUT_MS`); every transfer has one.
    var timeout: Duration = .seconds(10)
    /// Limit for connecting (`CURLOPT_CONNECTTIMEOUT_MS`); nil means the whole timeout.
    var connectTimeout: Duration? = nil
    /// Keep the response body (at most `maxBodyBytes`); otherwise an HTTP transfer ends when the
    /// final response's headers have arrived, and its body is never read.
    var captureBody = false
    /// A larger body fails the transfer rather than filling memory (16 MiB, in the README).
    var maxBodyBytes = TransferRequest.defaultMaxBodyBytes
    static let defaultMaxBodyBytes = 16 << 20
    /// Protocols the URL may use (`CURLOPT_PROTOCOLS_STR`).
    var protocols = "http,https"  // "smtp,smtps" for mail
    var tlsSkipVerify = false
    var tlsCAFile: String? = nil
    var userAgent = "checkup/\(checkupVersion)"
    /// Connect (and do the TLS handshake for https) but send no request (`CURLOPT_CONNECT_ONLY`).
    var connectOnly = false
    /// Collect the server's certificate chain (`CURLOPT_CERTINFO`).
    var collectCertificates = false
    var wire: WireRecorder? = nil  // CURLOPT_VERBOSE into a recorder, for `checkup check --explain`
    /// SMTP: the envelope sender (`CURLOPT_MAIL_FROM`); with `mailRecipients`, `body` is uploaded
    /// as the message (`CURLOPT_UPLOAD` + `CURLOPT_READFUNCTION`).
    var mailFrom: String? = nil
    /// SMTP: the envelope recipients (`CURLOPT_MAIL_RCPT`).
    var mailRecipients: [String] = []
    /// Login (`CURLOPT_USERNAME` / `CURLOPT_PASSWORD`), e.g. SMTP AUTH.
    var username: String? = nil
    var password: String? = nil
    /// Demand TLS (`CURLOPT_USE_SSL` = `CURLUSESSL_ALL`): STARTTLS on smtp://, implicit on smtps://.
    var requireTLS = false
    /// Use TLS when the server offers it (`CURLUSESSL_TRY`): opportunistic STARTTLS.
    var tryTLS = false
    var connectTo: [String] = []  // `HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT` (`CURLOPT_CONNECT_TO`)
}

/// What came back from a transfer. A failed transfer is a value with `curlCode != 0`, not an error.
struct TransferResponse: Sendable {
    /// libcurl's `CURLcode` (0 is `CURLE_OK`).
    var curlCode: Int32
    /// libcurl's message for a failure, from `CURLOPT_ERRORBUFFER` or `curl_easy_strerror`.
    var errorMessage: String
    /// The HTTP status code; 0 when none was received.
    var status: Int
    /// The final response's status line and header lines as received (CRLF-terminated). Kept as
    /// bytes so the loop thread only copies them; `reason` and `headers` parse them on demand.
    var headerBlock: [UInt8]
    var body: [UInt8]
    /// The server's certificate chain, leaf first, as PEM, when `collectCertificates` was set.
    var certificatesPEM: [String] = []
    // Cumulative times from the start of the transfer, as libcurl reports them (`CURLINFO_*_TIME_T`).
    var nameLookupTime: Duration
    var connectTime: Duration
    var appConnectTime: Duration
    var startTransferTime: Duration
    var totalTime: Duration

    var succeeded: Bool { curlCode == 0 }

    static let statusPrefix = Array("HTTP/".utf8)

    /// The lines of `headerBlock`, each without its line end and outer spaces and tabs.
    private var lines: [Substring] {
        String(decoding: headerBlock, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(Self.trimmed).filter { !$0.isEmpty }
    }

    private static func trimmed(_ s: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = s.firstIndex(where: { !blank($0) }), let last = s.lastIndex(where: { !blank($0) }) else { return "" }
        return s[first...last]
    }

    /// The last status line's reason phrase, e.g. `Not Found` (empty for HTTP/2 and later).
    var reason: String {
        guard let line = lines.first, line.hasPrefix("HTTP/") else { return "" }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        return parts.count == 3 ? String(parts[2]) : ""
    }

    /// The final response's header fields, names as received.
    var headers: [(name: String, value: String)] {
        lines.filter { !$0.hasPrefix("HTTP/") }.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(Self.trimmed(line[line.index(after: colon)...])))
        }
    }

    /// The first value of a header field, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
