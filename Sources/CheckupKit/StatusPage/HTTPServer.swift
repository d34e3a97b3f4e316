import Foundation
import Synchronization

/// A small HTTP/1.1 server over POSIX sockets, for `checkup serve` (Foundation has no server on
/// Linux). It answers one request per connection (`Connection: close`), reads at most 16 KiB of
/// request head within 10 seconds, and gives each connection its own blocking worker, at most
/// `maxConnections` at once; everything else is refused before the handler sees it.
final class HTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        /// The decoded path, without the query string.
        var path: String
        var headers: [String: String]  // lower-cased names

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []

        static func text(_ status: Int, _ text: String) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array((text + "\n").utf8))
        }
    }

    typealias Handler = @Sendable (Request) -> Response

    static let maxHeadBytes = 16 * 1024
    static let ioTimeoutSeconds = 10
    static let maxConnections = 256

    private let listener: Int32
    /// The port the server listens on (useful when asked for port 0).
    let port: UInt16
    private let handler: Handler
    private let connections = Mutex(0)
    private let stopped = Atomic<Bool>(false)

    /// Binds and listens on `host:port` (`host` empty for every interface).
    /// - Throws: `CheckupError` (`.config`) naming the address when it cannot be bound.
    init(host: String, port: UInt16, handler: @escaping Handler) throws(CheckupError) {
        self.handler = handler
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let display = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw CheckupError(.config, "listen address \(display): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        // Prefer IPv6 (dual-stack) for the wildcard address, so `:3000` takes both families.
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p { candidates.append(a); p = a.pointee.ai_next }
        candidates.sort { ($0.pointee.ai_family == AF_INET6 ? 0 : 1) < ($1.pointee.ai_family == AF_INET6 ? 0 : 1) }
        var lastError: Int32 = 0
        var bound: Int32 = -1
        for a in candidates {
            let fd = socket(a.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { lastError = errno; continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if a.pointee.ai_family == AF_INET6 && host.isEmpty {
                var zero: Int32 = 0
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
            }
            if bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 && listen(fd, 128) == 0 {
                bound = fd
                break
            }
            lastError = errno
            close(fd)
        }
        guard bound >= 0 else {
            throw CheckupError(.config, "listen address \(display): \(String(cString: strerror(lastError)))")
        }
        listener = bound
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(bound, $0, &length) }
        }
        self.port = withUnsafePointer(to: &storage) { s in
            s.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    /// Accepts connections on a thread of its own until `stop()`.
    func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "checkup.serve"
        thread.start()
    }

    /// Stops accepting connections. The socket is only shut down here (which wakes a blocked
    /// `accept`); the accept loop closes it, so its number cannot be reused under the loop.
    func stop() {
        if !stopped.exchange(true, ordering: .sequentiallyConsistent) {
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped.load(ordering: .relaxed) {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(50_000) }
                    continue
                }
                return
            }
            let admitted = connections.withLock { n -> Bool in
                guard n < Self.maxConnections else { return false }
                n += 1
                return true
            }
            guard admitted else { close(fd); continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: Self.ioTimeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let worker = Thread { [self] in
                serve(fd)
                close(fd)
                connections.withLock { $0 -= 1 }
            }
            worker.stackSize = 512 * 1024
            worker.start()
        }
    }

    private func serve(_ fd: Int32) {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = Self.headEnd(head) {
                head.removeSubrange(end...)
                break
            }
            if head.count > Self.maxHeadBytes {
                send(fd, .text(431, "Request header fields too large"), includeBody: true)
                return
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), !head.isEmpty {
                    send(fd, .text(408, "Request timeout"), includeBody: true)
                }
                return
            }
            head.append(contentsOf: buffer[0..<n])
        }
        guard let request = Self.parse(head) else {
            send(fd, .text(400, "Bad request"), includeBody: true)
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = Response.text(405, "Method not allowed")
            response.headers.append(("Allow", "GET, HEAD"))
            send(fd, response, includeBody: true)
            return
        }
        send(fd, handler(request), includeBody: request.method == "GET")
    }

    /// The index just past the blank line that ends the request head, if it has arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
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
    static func parse(_ head: [UInt8]) -> Request? {
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
        return Request(method: String(requestLine[0]), path: path, headers: headers)
    }

    private func send(_ fd: Int32, _ response: Response, includeBody: Bool) {
        var head = "HTTP/1.1 \(HTTPStatus.text(response.status, reason: ""))\r\n"
        var names = Set<String>()
        for (name, value) in response.headers {
            head += "\(name): \(value)\r\n"
            names.insert(name.lowercased())
        }
        if !names.contains("content-length") && response.status != 304 {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        head += "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if includeBody && response.status != 304 { bytes += response.body }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }  // non-empty
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
        shutdown(fd, Int32(SHUT_WR))
    }
}
