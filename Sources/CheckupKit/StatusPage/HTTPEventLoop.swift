internal import CLinux
import Foundation
import Synchronization

/// The loop thread of `HTTPServer`: one level-triggered epoll set over the listener, the wake-up
/// eventfd and every connection, all non-blocking. Each connection moves reading head → handling
/// (on a worker) → writing → idle (kept alive) or closed; deadlines are checked by a sweep a few
/// times a second, so a connection costs its descriptor and its unparsed bytes, never a thread.
/// Everything here is touched by the loop thread only.
final class HTTPEventLoop {
    private let shared: HTTPServer.Shared
    private let limits: HTTPServer.Limits
    private let headNanos: Int64
    private let idleNanos: Int64
    private let writeNanos: Int64
    private let sweepNanos: Int64
    private var nextSweep: Int64 = 0
    private var connections: [UInt64: HTTPConnection] = [:]
    private var perAddress: [PeerAddress: Int] = [:]
    private var nextID: UInt64 = 2
    /// Set while accepting is paused because the process is out of descriptors.
    private var acceptPausedUntil: Int64?
    private var readBuffer = [UInt8](repeating: 0, count: 16 << 10)
    private var tokens = [UInt64](repeating: 0, count: 256)
    private var masks = [UInt32](repeating: 0, count: 256)

    private static let listenerToken: UInt64 = 0
    private static let wakeToken: UInt64 = 1
    private let readable = clinux_epollin()
    private let writable = clinux_epollout()
    private let broken = clinux_epollerr() | clinux_epollhup()

    /// Sent to a connection over a cap, before it is closed.
    private static let refusal = Array(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: 21\r\nRetry-After: 5\r\nConnection: close\r\n\r\nToo many connections\n").utf8)

    init(shared: HTTPServer.Shared, limits: HTTPServer.Limits) {
        self.shared = shared
        self.limits = limits
        headNanos = Self.nanoseconds(limits.headTimeout)
        idleNanos = Self.nanoseconds(limits.idleTimeout)
        writeNanos = Self.nanoseconds(limits.writeTimeout)
        sweepNanos = max(10_000_000, min(250_000_000, min(headNanos, idleNanos, writeNanos) / 4))
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    private var isStopped: Bool { shared.state.withLock { $0 == .stopped } }

    /// Serves until the server is stopped, then closes every descriptor it owns.
    func run() {
        defer { closeEverything() }
        guard clinux_epoll_ctl(shared.epoll, 0, shared.listener, readable, Self.listenerToken) == 0,
              clinux_epoll_ctl(shared.epoll, 0, shared.wake, readable, Self.wakeToken) == 0 else { return }
        nextSweep = Self.now() + sweepNanos
        while !isStopped {
            let before = Self.now()
            var wait = max(0, nextSweep - before)
            if let paused = acceptPausedUntil { wait = min(wait, max(0, paused - before)) }
            let count = tokens.withUnsafeMutableBufferPointer { t in
                masks.withUnsafeMutableBufferPointer { m in
                    clinux_epoll_wait(shared.epoll, t.baseAddress, m.baseAddress, 256, Int32(wait / 1_000_000 + 1))
                }
            }
            if count < 0 && errno != EINTR { return }
            for i in 0..<max(0, Int(count)) {
                switch tokens[i] {
                case Self.listenerToken:
                    acceptConnections()
                case Self.wakeToken:
                    var counter: UInt64 = 0
                    _ = read(shared.wake, &counter, 8)
                    if isStopped { return }
                    for done in shared.workers.takeDone() { answer(done) }
                default:
                    if let connection = connections[tokens[i]] { event(masks[i], on: connection) }
                }
            }
            let now = Self.now()
            if let paused = acceptPausedUntil, now >= paused { resumeAccepting() }
            if now >= nextSweep {
                sweep(now)
                nextSweep = now + sweepNanos
            }
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        for _ in 0..<256 {  // then let the other sockets have a turn
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { clinux_accept4(shared.listener, $0, &length, 1) }
            }
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: pauseAccepting()  // the listener would stay readable: wait a little
                default: break
                }
                return
            }
            let peer = PeerAddress(storage)
            guard connections.count < limits.maxConnections, perAddress[peer, default: 0] < limits.maxConnectionsPerAddress else {
                refuse(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = HTTPConnection(id: nextID, fd: fd, peer: peer, deadline: Self.now() + headNanos, events: readable)
            guard clinux_epoll_ctl(shared.epoll, 0, fd, readable, nextID) == 0 else {
                close(fd)
                continue
            }
            nextID += 1
            connections[connection.id] = connection
            perAddress[peer, default: 0] += 1
            shared.openConnections.store(connections.count, ordering: .relaxed)
        }
    }

    /// A best-effort 503 (the socket is new, so its buffer has room), then close.
    private func refuse(_ fd: Int32) {
        _ = Self.refusal.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
        shared.refusedConnections.add(1, ordering: .relaxed)
        shared.loopReplied(503)
    }

    private func pauseAccepting() {
        guard acceptPausedUntil == nil else { return }
        _ = clinux_epoll_ctl(shared.epoll, 1, shared.listener, 0, Self.listenerToken)
        acceptPausedUntil = Self.now() + 100_000_000
    }

    private func resumeAccepting() {
        _ = clinux_epoll_ctl(shared.epoll, 1, shared.listener, readable, Self.listenerToken)
        acceptPausedUntil = nil
    }

    // MARK: Connections

    private func event(_ mask: UInt32, on connection: HTTPConnection) {
        switch connection.phase {
        case .readingHead, .idle: readInput(connection)
        case .writing: continueWriting(connection)
        case .handling: if mask & broken != 0 { closeConnection(connection) }  // reset: drop the answer when it comes
        }
    }

    private func readInput(_ connection: HTTPConnection) {
        while !connection.inputClosed && connection.input.count <= limits.maxHeadBytes {
            let n = readBuffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                connection.input.append(contentsOf: readBuffer[0..<n])
            } else if n == 0 {
                connection.inputClosed = true
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                closeConnection(connection)
                return
            }
        }
        processInput(connection)
    }

    /// Hands a complete request head to the workers, or answers a bad one.
    private func processInput(_ connection: HTTPConnection) {
        if connection.phase == .idle && !connection.input.isEmpty {
            connection.phase = .readingHead  // a new request began: its head has headTimeout
            connection.deadline = Self.now() + headNanos
        }
        guard let end = HTTPServer.headEnd(connection.input, from: connection.scanned) else {
            connection.scanned = connection.input.count
            if connection.input.count > limits.maxHeadBytes {
                shared.loopReplied(431)
                reply(connection, .text(431, "Request header fields too large"))
            } else if connection.inputClosed {
                closeConnection(connection)
            }
            return
        }
        let request = HTTPServer.parse(connection.input[..<end])
        connection.input.removeSubrange(..<end)
        connection.scanned = 0
        guard let request else {
            shared.loopReplied(400)
            reply(connection, .text(400, "Bad request"))
            return
        }
        connection.version = request.version
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = HTTPServer.Response.text(405, "Method not allowed")
            response.headers.append(("Allow", "GET, HEAD"))
            shared.loopReplied(405)
            reply(connection, response)
            return
        }
        connection.isHead = request.method == "HEAD"
        connection.keepAlive = HTTPServer.wantsKeepAlive(request) && !connection.inputClosed
            && connection.requestsServed + 1 < limits.maxRequestsPerConnection
        connection.phase = .handling
        setEvents(connection, 0)
        shared.workers.submit(HTTPWorkers.Job(connection: connection.id, request: request))
    }

    private func answer(_ done: HTTPWorkers.Done) {
        guard let connection = connections[done.connection], connection.phase == .handling else { return }
        reply(connection, done.response, keepAlive: connection.keepAlive)
    }

    /// Starts writing `response`; the connection closes after it unless `keepAlive`.
    private func reply(_ connection: HTTPConnection, _ response: HTTPServer.Response, keepAlive: Bool = false) {
        connection.keepAlive = keepAlive
        connection.head = HTTPServer.head(of: response, keepAlive: keepAlive, version: connection.version,
                                          idleSeconds: max(1, idleNanos / 1_000_000_000))
        connection.body = connection.isHead || response.status == 304 ? nil : response.body
        connection.phase = .writing
        connection.deadline = Self.now() + writeNanos
        continueWriting(connection)
    }

    private func continueWriting(_ connection: HTTPConnection) {
        let before = connection.headSent + connection.bodySent
        let outcome = connection.write()
        if connection.headSent + connection.bodySent > before { connection.deadline = Self.now() + writeNanos }
        switch outcome {
        case .blocked: setEvents(connection, writable)
        case .failed: closeConnection(connection)
        case .done: finishResponse(connection)
        }
    }

    private func finishResponse(_ connection: HTTPConnection) {
        connection.requestsServed += 1
        connection.clearResponse()
        connection.isHead = false  // what follows (a 408, a 431) answers no request of ours yet
        connection.version = "HTTP/1.1"
        guard connection.keepAlive else {
            shutdown(connection.fd, Int32(SHUT_WR))  // the client sees the end before the close
            closeConnection(connection)
            return
        }
        connection.phase = .idle
        connection.deadline = Self.now() + idleNanos
        setEvents(connection, readable)
        if !connection.input.isEmpty { processInput(connection) }  // a pipelined request
    }

    private func setEvents(_ connection: HTTPConnection, _ events: UInt32) {
        guard connection.events != events else { return }
        connection.events = events
        _ = clinux_epoll_ctl(shared.epoll, 1, connection.fd, events, connection.id)
    }

    private func closeConnection(_ connection: HTTPConnection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        close(connection.fd)  // also takes it out of the epoll set
        connection.clearResponse()
        let left = perAddress[connection.peer, default: 1] - 1
        perAddress[connection.peer] = left > 0 ? left : nil
        shared.openConnections.store(connections.count, ordering: .relaxed)
        if acceptPausedUntil != nil { resumeAccepting() }  // a descriptor is free again
    }

    /// Closes what outlived its deadline: a head not in by headTimeout (408 if it had begun), an
    /// idle persistent connection, a response the client stopped taking.
    private func sweep(_ now: Int64) {
        for connection in connections.values where connection.phase != .handling && now >= connection.deadline {
            if connection.phase == .readingHead && !connection.input.isEmpty {
                shared.loopReplied(408)
                reply(connection, .text(408, "Request timeout"))
            } else {
                closeConnection(connection)
            }
        }
    }

    private func closeEverything() {
        for connection in connections.values { close(connection.fd) }
        connections = [:]
        perAddress = [:]
        shared.openConnections.store(0, ordering: .relaxed)
        close(shared.listener)  // the epoll set and the eventfd close with `shared`
    }
}
