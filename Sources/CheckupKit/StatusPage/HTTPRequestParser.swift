import Foundation

/// Reading request heads and writing response heads (RFC 9112).
extension HTTPServer {
    /// The index just past the blank line that ends the request head, if it has arrived;
    /// `from` skips what an earlier call already searched.
    static func headEnd(_ bytes: [UInt8], from: Int = 0) -> Int? {
        var i = max(0, from - 2)
        while i < bytes.count {
            if bytes[i] == 10 {  // "\n\n" or "\n\r\n" ends the head
                if i + 1 < bytes.count, bytes[i + 1] == 10 { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Parses a request head (RFC 9112 §3: `method SP request-target SP HTTP-version`, then fields).
    static func parse(_ head: ArraySlice<UInt8>) -> Request? {
        guard let text = String(validating: head, as: UTF8.self) else { return nil }
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1."),
              requestLine[0].allSatisfy({ $0.isASCII && $0.isUppercase }) else { return nil }
        var target = requestLine[1]
        if let q = target.firstIndex(where: { $0 == "?" || $0 == "#" }) { target = target[..<q] }
        guard target.hasPrefix("/"), let path = String(target).removingPercentEncoding,
              !path.contains("\0") else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(requestLine[0]), path: path, headers: headers,
                       version: requestLine[2] == "HTTP/1.0" ? "HTTP/1.0" : "HTTP/1.1")
    }

    /// Whether the client lets the connection persist after this request (RFC 9112 §9.3): HTTP/1.1
    /// unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`. A request with a
    /// body never does: this server reads none, so it could not find where the next request starts.
    static func wantsKeepAlive(_ request: Request) -> Bool {
        let options = (request.header("Connection") ?? "").lowercased().split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if options.contains("close") { return false }
        if request.header("Transfer-Encoding") != nil { return false }
        if let length = request.header("Content-Length"), length != "0" { return false }
        return request.version == "HTTP/1.0" ? options.contains("keep-alive") : true
    }

    /// The status line and header fields of `response`, with `Content-Length` (except for a
    /// 304) and the connection's fate: `Connection: close`, or `Keep-Alive` naming how long an
    /// idle connection is kept.
    static func head(of response: Response, keepAlive: Bool, version: String, idleSeconds: Int64) -> [UInt8] {
        var head = "HTTP/1.1 \(HTTPStatus.text(response.status, reason: ""))\r\n"
        var hasLength = false
        for (name, value) in response.headers {
            head += "\(name): \(value)\r\n"
            if name.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength && response.status != 304 {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        if keepAlive {
            if version == "HTTP/1.0" { head += "Connection: keep-alive\r\n" }
            head += "Keep-Alive: timeout=\(idleSeconds)\r\n\r\n"
        } else {
            head += "Connection: close\r\n\r\n"
        }
        return Array(head.utf8)
    }
}
