/// Status texts for responses whose status line carries none (HTTP/2 and later), as Go's `StatusText`.
enum HTTPStatus {
    /// `"503 Service Unavailable"`: the code with `reason`, or with the standard phrase when the
    /// response gave none; the bare code when neither is known.
    static func text(_ code: Int, reason: String) -> String {
        let r = reason.isEmpty ? (phrases[code] ?? "") : reason
        return r.isEmpty ? "\(code)" : "\(code) \(r)"
    }

    static let phrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
        203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
        403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
        408: "Request Timeout", 409: "Conflict", 410: "Gone", 412: "Precondition Failed",
        413: "Request Entity Too Large", 415: "Unsupported Media Type", 418: "I'm a teapot",
        429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
    ]
}
