import Foundation

// Reading check files fast: `summarize` reads hundreds of thousands of results, and
// JSONSerialization (which makes an NSNumber of every number before `JSONValue` copies it) took
// most of its time. JSONDecoder decodes the usual shape straight into typed fields. Whatever it
// does not take exactly (another type where a number, string or boolean belongs, say) is read
// again the lenient way, `CheckResult(json:)`, which also words the errors, so both ways give
// the same results for every file.

/// A result as a check file holds it, every field optional.
struct StoredResult: Decodable {
    var title: String?, endpoint: String?, timestamp: Int64?, times: [StoredAttempt]?, threshold: Int64?
    var healthy: Bool?, degraded: Bool?, down: Bool?, notice: String?, message: String?
    var certificate: StoredCertificate?, origin: String?, flaky: Bool?

    var result: CheckResult {
        var r = CheckResult(title: title ?? "", endpoint: endpoint ?? "", timestamp: timestamp ?? 0,
                            threshold: .nanoseconds(threshold ?? 0), healthy: healthy ?? false,
                            degraded: degraded ?? false, down: down ?? false, notice: notice ?? "", message: message ?? "")
        r.certificate = certificate?.info
        r.origin = origin ?? ""
        r.flaky = flaky ?? false
        r.times = (times ?? []).map(\.attempt)
        return r
    }
}

struct StoredAttempt: Decodable {
    var rtt: Int64?, error: String?, lookup: Int64?, connect: Int64?, tls: Int64?, firstByte: Int64?
    var address: String?, warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case rtt, error, lookup, connect, tls, firstByte = "first_byte", address, warnings
    }

    var attempt: Attempt {
        var a = Attempt(rtt: .nanoseconds(rtt ?? 0), error: error, nameLookup: lookup.map { .nanoseconds($0) },
                        connect: connect.map { .nanoseconds($0) }, tlsHandshake: tls.map { .nanoseconds($0) },
                        firstByte: firstByte.map { .nanoseconds($0) })
        a.address = address
        a.warnings = warnings ?? []
        return a
    }
}

struct StoredCertificate: Decodable {
    var subject: String?, issuer: String?, notBefore: String?, notAfter: String?

    enum CodingKeys: String, CodingKey { case subject, issuer, notBefore = "not_before", notAfter = "not_after" }

    var info: CertificateInfo {
        func seconds(_ text: String?) -> Int64 { text.flatMap(RFC3339.parse).map { $0 / 1_000_000_000 } ?? 0 }
        return CertificateInfo(subject: subject ?? "", issuer: issuer ?? "", notBefore: seconds(notBefore), notAfter: seconds(notAfter))
    }
}

extension CheckResult {
    /// The results of a check file in the usual shape, or nil when it needs the lenient reading.
    static func decodeTypical(_ data: Data) -> [CheckResult]? {
        (try? JSONDecoder().decode([StoredResult].self, from: data))?.map(\.result)
    }
}
