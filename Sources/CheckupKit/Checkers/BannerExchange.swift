import Foundation

/// One `send`/`expect` attempt of a tcp checker: connect, send the text, read until the expected
/// text has arrived (SMTP's `220`, Redis's `+PONG`).
///
/// It uses a plain socket on a thread of its own, not libcurl: libcurl's only raw-stream
/// protocol (telnet) runs a blocking loop that would hold up every other transfer on the shared
/// loop thread. Each exchange blocks only its own thread, in `poll` with the attempt's deadline.
enum BannerExchange {
    /// The most bytes read while waiting for `expect`.
    static let maxBytes = 64 << 10

    /// Runs one exchange on its own thread and returns its attempt.
    /// - Parameters:
    ///   - host: an address literal or a name (resolved with `getaddrinfo` on that thread).
    static func attempt(host: String, port: Int, send: String, expect: String, timeout: Duration) async -> Attempt {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: exchange(host: host, port: port, send: send, expect: expect, timeout: timeout)) }
            thread.name = "checkup.banner"
            thread.start()
        }
    }

    static func exchange(host: String, port: Int, send: String, expect: String, timeout: Duration) -> Attempt {
        let clock = ContinuousClock(), start = clock.now, deadline = start + timeout
        func left() -> Int32 { Int32(clamping: max(0, (deadline - clock.now).nanoseconds / 1_000_000)) }
        func failed(_ error: String, connect: Duration? = nil) -> Attempt { Attempt(rtt: clock.now - start, error: error, connect: connect) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { return failed("cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(list) }
        var fd: Int32 = -1, reason = "no address"
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node, fd < 0 {
            node = n.pointee.ai_next
            let s = socket(n.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard s >= 0 else { continue }
            if connect(s, n.pointee.ai_addr, n.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                reason = String(cString: strerror(errno)); close(s); continue
            }
            var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
            var soError: Int32 = 0, length = socklen_t(MemoryLayout<Int32>.size)
            if poll(&p, 1, left()) <= 0 { reason = "connection timed out after \(timeout.goDescription)"; close(s); continue }
            getsockopt(s, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 { reason = String(cString: strerror(soError)); close(s); continue }
            fd = s
        }
        guard fd >= 0 else { return failed(reason) }
        defer { close(fd) }
        let connected = clock.now - start
        var bytes = Array(send.utf8)[...]
        while !bytes.isEmpty {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, left()) > 0 else { return failed("timed out after \(timeout.goDescription) sending", connect: connected) }
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno != EAGAIN { return failed("sending: \(String(cString: strerror(errno)))", connect: connected) }
            if n > 0 { bytes = bytes.dropFirst(n) }
        }
        var received: [UInt8] = []
        let wanted = Array(expect.utf8)
        func shown() -> String {
            let text = String(decoding: received.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "nothing" : "'\(terminalSafe(text))'"
        }
        while !wanted.isEmpty, !occurs(wanted, in: received) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, left()) > 0 else {
                return failed("timed out after \(timeout.goDescription) waiting for '\(expect)' (received \(shown()))", connect: connected)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return failed("connection closed before '\(expect)' arrived (received \(shown()))", connect: connected) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return failed("reading: \(String(cString: strerror(errno)))", connect: connected)
            }
            received += chunk.prefix(n)
            if received.count > maxBytes { return failed("'\(expect)' not in the first \(maxBytes) bytes", connect: connected) }
        }
        return Attempt(rtt: clock.now - start, connect: connected)
    }
}

/// Whether `needle` occurs in `bytes`.
private func occurs(_ needle: [UInt8], in bytes: [UInt8]) -> Bool {
    guard needle.count <= bytes.count else { return false }
    return (0...(bytes.count - needle.count)).contains { i in bytes[i..<(i + needle.count)].elementsEqual(needle) }
}
