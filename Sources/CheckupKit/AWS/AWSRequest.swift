import Foundation

/// One signed AWS API call with retries: 5xx, 429 and connection failures are retried with
/// backoff, 4xx answers are not; failures become `<what>: <status> <Code>` errors.
struct AWSRequest: Sendable {
    var service: String
    var region: String
    var credentials: SigV4.Credentials
    var timeout: Duration = .seconds(30)
    var retries = 3

    func send(_ what: String, _ method: String, baseURL: String, host: String, path: String,
              query: [(String, String)] = [], body: [UInt8] = [], headers: [(String, String)] = [],
              passing: Set<Int> = []) async throws -> TransferResponse {
        var attempt = 0
        while true {
            let signer = SigV4(credentials: credentials, region: region.isEmpty ? "us-east-1" : region, service: service)
            let signed = signer.sign(method: method, path: path, query: query, headers: [("host", host)] + headers,
                                     payloadHash: Digest.sha256Hex(body), date: Date())
            var request = TransferRequest(url: baseURL + SigV4.encodePath(path)
                                          + (query.isEmpty ? "" : "?" + SigV4.canonicalQuery(query)))
            request.method = method
            request.headers = (headers + signed).map { "\($0.0): \($0.1)" }
            if method == "PUT" || method == "POST" { request.body = body }
            request.captureBody = true
            request.timeout = timeout
            let response = try await CurlEngine.shared.perform(request)
            if response.succeeded && ((200...299).contains(response.status) || passing.contains(response.status)) {
                return response
            }
            let retriable = !response.succeeded || response.status == 429 || response.status >= 500
            if retriable && attempt < retries {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100 << attempt))
                continue
            }
            if !response.succeeded { throw CheckupError(.service, "\(what): \(response.errorMessage)") }
            let xml = XMLElements(response.body)
            let code = (xml.values("Error/Code") + xml.values("ErrorResponse/Error/Code")).first
                ?? HTTPStatus.phrases[response.status] ?? ""
            throw CheckupError(.service, "\(what): \(response.status) \(code)")
        }
    }
}

/// A service's URL split as signed requests need it: `https://` and the `Host` (`host[:port]`),
/// without a trailing slash.
struct ServiceEndpoint: Sendable, Equatable {
    var scheme: String
    var host: String
    /// `scheme://host`.
    var url: String { scheme + host }

    init(_ url: String) {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        let hostStart = trimmed.range(of: "://")?.upperBound ?? trimmed.startIndex
        scheme = String(trimmed[..<hostStart])
        host = String(trimmed[hostStart...])
    }
}
