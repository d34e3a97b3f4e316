/// The leaf certificate a TLS check saw (checkup's extension to the result format, written as
/// `"certificate": {"subject", "issuer", "not_before", "not_after"}` and left out otherwise).
public struct CertificateInfo: Sendable, Equatable {
    /// The subject, RFC 2253 style (`CN=example.com,O=Example`).
    public var subject: String
    /// The issuer, RFC 2253 style.
    public var issuer: String
    /// Start of validity, UTC Unix seconds.
    public var notBefore: Int64
    /// End of validity, UTC Unix seconds.
    public var notAfter: Int64

    /// Creates certificate info.
    public init(subject: String, issuer: String, notBefore: Int64, notAfter: Int64) {
        self.subject = subject
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    var json: JSONValue {
        .object(JSONObject([
            ("subject", .string(subject)), ("issuer", .string(issuer)),
            ("not_before", .string(RFC3339.format(notBefore * 1_000_000_000))),
            ("not_after", .string(RFC3339.format(notAfter * 1_000_000_000))),
        ]))
    }

    init?(json: JSONValue?) {
        guard let o = json?.objectValue else { return nil }
        func seconds(_ key: String) -> Int64 { o[key]?.stringValue.flatMap(RFC3339.parse).map { $0 / 1_000_000_000 } ?? 0 }
        self.init(subject: o["subject"]?.stringValue ?? "", issuer: o["issuer"]?.stringValue ?? "",
                  notBefore: seconds("not_before"), notAfter: seconds("not_after"))
    }
}
