import Foundation

/// AWS Signature Version 4 for S3 and IAM requests ("Authenticating Requests (AWS Signature
/// Version 4)"): canonical request, string to sign, signing key, signature. Pure: the time is a
/// parameter, so known-answer tests are exact. SHA-256 and HMAC come from OpenSSL's libcrypto.
struct SigV4 {
    /// Access key id, secret and, for temporary credentials, the session token.
    struct Credentials: Sendable, Equatable {
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String = ""
    }

    var credentials: Credentials
    /// The region, e.g. `us-east-1`.
    var region: String
    /// The service, `s3` or `iam`.
    var service: String

    /// Whether to send and sign `x-amz-content-sha256` (S3 requires it; other services accept it).
    var signsContentHash = true

    /// The SHA-256 of an empty body, hex.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Signs a request: returns the headers to send, `Authorization` included, in addition to
    /// the given ones. `x-amz-date` and `x-amz-content-sha256` (always signed) are added, and
    /// `x-amz-security-token` when there is a session token.
    /// - Parameters:
    ///   - method: `GET`, `PUT`, …
    ///   - path: the URI path, not yet encoded (`/bucket/key with space`).
    ///   - query: query parameters, not yet encoded.
    ///   - headers: headers to sign, `host` among them.
    ///   - payloadHash: hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
    ///   - date: the signing time.
    func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
              payloadHash: String, date: Date) -> [(String, String)] {
        let (amzDate, day) = Self.timestamps(date)
        var all = headers
        all.append(("x-amz-date", amzDate))
        if signsContentHash, !headers.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            all.append(("x-amz-content-sha256", payloadHash))
        }
        if !credentials.sessionToken.isEmpty { all.append(("x-amz-security-token", credentials.sessionToken)) }

        // Step 1: the canonical request.
        var canonical: [String: String] = [:]
        for (name, value) in all {
            let key = name.lowercased()
            let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            canonical[key] = canonical[key].map { $0 + "," + trimmed } ?? trimmed
        }
        let names = canonical.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method,
            Self.encodePath(path),
            Self.canonicalQuery(query),
            names.map { "\($0):\(canonical[$0] ?? "")\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        // Step 2: the string to sign.
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, Digest.sha256Hex(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")

        // Steps 3 and 4: the signing key and the signature.
        var key = Digest.hmacSHA256(Array("AWS4\(credentials.secretAccessKey)".utf8), Array(day.utf8))
        key = Digest.hmacSHA256(key, Array(region.utf8))
        key = Digest.hmacSHA256(key, Array(service.utf8))
        key = Digest.hmacSHA256(key, Array("aws4_request".utf8))
        let signature = Digest.hex(Digest.hmacSHA256(key, Array(stringToSign.utf8)))

        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return all.filter { !headers.map { $0.0 }.contains($0.0) } + [("Authorization", authorization)]
    }

    /// `20130524T000000Z` and `20130524` for `date`, in UTC.
    static func timestamps(_ date: Date) -> (String, String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let iso = RFC3339.format(seconds * 1_000_000_000)  // 2013-05-24T00:00:00Z
        let compact = iso.filter { $0 != "-" && $0 != ":" }
        return (compact, String(compact.prefix(8)))
    }

    /// URI-encodes a path: every byte but `A-Z a-z 0-9 - _ . ~` and `/` (S3 does not normalise
    /// or double-encode paths).
    static func encodePath(_ path: String) -> String {
        let encoded = percentEncode(path, keepSlash: true)
        return encoded.isEmpty ? "/" : encoded
    }

    /// The canonical query string: keys and values encoded, sorted by key then value.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let pairs: [(String, String)] = query.map { (percentEncode($0.0, keepSlash: false), percentEncode($0.1, keepSlash: false)) }
        let sorted = pairs.sorted { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
