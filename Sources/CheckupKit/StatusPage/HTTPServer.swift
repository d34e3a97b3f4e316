internal import CLinux
import Foundation
import Synchronization

/// A small HTTP/1.1 server over POSIX sockets, for `checkup serve` (Foundation has no server on
/// Linux).
///
/// One thread runs an epoll loop over non-blocking sockets (`HTTPEventLoop`): it reads request
/// heads, writes responses and enforces the `Limits`, so thousands of connections, slow ones
/// included, cost a few kilobytes each and no thread. The handler runs on a small pool of worker
/// threads (`HTTPWorkers`), since it may read a file or wait for S3. Connections are persistent
/// (HTTP/1.1 keep-alive) up to `Limits.maxRequestsPerConnection`; only GET and HEAD are answered.
final class HTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        /// The decoded path, without the query string.
        var path: String
        var headers: [String: String]  // lower-cased names
        /// `HTTP/1.1` or `HTTP/1.0` (others `HTTP/1.x` are read as 1.1).
        var version: String = "HTTP/1.1"

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: Body = .bytes([])

        /// What follows the head: bytes in memory (shared, never copied per connection), or an
        /// open file streamed with `sendfile` so a large file is never held in memory.
        enum Body: Sendable {
            case bytes([UInt8])
            case file(OpenFile)

            var count: Int {
                switch self {
                case .bytes(let bytes): bytes.count
                case .file(let file): file.size
                }
            }
        }

        static func text(_ status: Int, _ text: String) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: .bytes(Array((text + "\n").utf8)))
        }
    }

    /// A regular file opened for a response body, closed when the last response using it is done.
    final class OpenFile: Sendable {
        let descriptor: Int32
        /// The length to send: the file's size when it was opened.
        let size: Int

        init(descriptor: Int32, size: Int) {
            self.descriptor = descriptor
            self.size = size
        }

        deinit { close(descriptor) }
    }

    typealias Handler = @Sendable (Request) -> Response

    /// What one client may hold and how long it may take. The defaults are `checkup serve`'s; the
    /// tests pass short deadlines.
    struct Limits: Sendable {
        /// The whole request head must have arrived this long after the connection opened, or
        /// after the first byte of a later request on it (a client dribbling a byte every few
        /// seconds is cut off, answered 408).
        var headTimeout: Duration = .seconds(10)
        /// A persistent connection with no new request for this long is closed.
        var idleTimeout: Duration = .seconds(5)
        /// A response the client takes no byte of for this long is abandoned.
        var writeTimeout: Duration = .seconds(10)
        var maxHeadBytes = 16 * 1024
        var maxRequestsPerConnection = 100
        /// At most this many connections at once (lowered to what RLIMIT_NOFILE allows, two
        /// descriptors each); more are answered 503 and closed.
        var maxConnections = 10_000
        /// At most this many at once from one IPv4 address or one IPv6 /64; more are answered
        /// 503 and closed, so one client cannot take the server's connections.
        var maxConnectionsPerAddress = 64
        /// Threads that run the handler.
        var workers = 4
    }

    /// The port the server listens on (useful when asked for port 0).
    let port: UInt16
    let limits: Limits
    /// Shared with the loop and worker threads; the loop owns every socket.
    let shared: Shared

    /// What the loop thread, the worker threads and `stop()` share.
    final class Shared: Sendable {
        let listener: Int32
        let epoll: Int32
        let wake: Int32  // an eventfd: stop() and finished handler work bump it
        let workers: HTTPWorkers
        let state = Mutex(State.bound)
        /// Open connections, and connections turned away at a cap; for tests and diagnostics.
        let openConnections = Atomic<Int>(0)
        let refusedConnections = Atomic<Int>(0)

        enum State { case bound, running, stopped }

        /// See `init(host:port:limits:loopReplied:handler:)`.
        let loopReplied: @Sendable (Int) -> Void

        init(listener: Int32, epoll: Int32, wake: Int32, workers: HTTPWorkers, loopReplied: @escaping @Sendable (Int) -> Void) {
            self.loopReplied = loopReplied
            self.listener = listener
            self.epoll = epoll
            self.wake = wake
            self.workers = workers
        }

        // The epoll set and the eventfd live as long as anyone could still wake the loop (a worker
        // finishing after stop must not write into a descriptor number since reused).
        deinit {
            close(epoll)
            close(wake)
        }

        /// Wakes the loop from `epoll_wait`.
        func wakeLoop() {
            var one: UInt64 = 1
            _ = write(wake, &one, 8)
        }
    }

    /// Binds and listens on `host:port` (`host` empty for every interface), and raises the
    /// process's soft RLIMIT_NOFILE to its hard limit so `limits.maxConnections` can be reached.
    /// - Throws: `CheckupError` (`.config`) naming the address when it cannot be bound.
    /// - Parameter loopReplied: told the status of every answer the event loop gives itself (a
    ///   malformed or too large head, a method other than GET and HEAD, a missed deadline, a
    ///   connection over a cap), which never reaches `handler`.
    init(host: String, port: UInt16, limits: Limits = Limits(), loopReplied: @escaping @Sendable (Int) -> Void = { _ in },
         handler: @escaping Handler) throws(CheckupError) {
        let display = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let bound = try Self.bind(host: host, port: port, display: display)
        let epoll = clinux_epoll_create()
        let wake = clinux_eventfd()
        guard epoll >= 0, wake >= 0 else {
            let reason = String(cString: strerror(errno))
            for fd in [bound, epoll, wake] where fd >= 0 { close(fd) }
            throw CheckupError(.config, "listen address \(display): \(reason)")
        }
        var limits = limits
        limits.maxConnections = max(1, min(limits.maxConnections, (Self.raiseFileLimit() - 128) / 2))
        self.limits = limits
        shared = Shared(listener: bound, epoll: epoll, wake: wake, workers: HTTPWorkers(handler: handler), loopReplied: loopReplied)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(bound, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        self.port = withUnsafePointer(to: &storage) { s in
            s.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }

    /// A non-blocking listening socket for `host:port`: IPv6 first (dual-stack for the wildcard
    /// address, so `:3000` takes both families), then IPv4.
    private static func bind(host: String, port: UInt16, display: String) throws(CheckupError) -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw CheckupError(.config, "listen address \(display): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p { candidates.append(a); p = a.pointee.ai_next }
        candidates.sort { ($0.pointee.ai_family == AF_INET6 ? 0 : 1) < ($1.pointee.ai_family == AF_INET6 ? 0 : 1) }
        var lastError: Int32 = 0
        for a in candidates {
            let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            let fd = socket(a.pointee.ai_family, flags, 0)
            if fd < 0 { lastError = errno; continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if a.pointee.ai_family == AF_INET6 && host.isEmpty {
                var zero: Int32 = 0
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
            }
            if Glibc.bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 && listen(fd, 1024) == 0 { return fd }
            lastError = errno
            close(fd)
        }
        throw CheckupError(.config, "listen address \(display): \(String(cString: strerror(lastError)))")
    }

    /// Raises the soft limit on open files to the hard limit; returns the soft limit in force.
    private static func raiseFileLimit() -> Int {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(min(limit.rlim_cur, 1 << 20))
    }

    /// Connections open now (for tests and diagnostics).
    var openConnections: Int { shared.openConnections.load(ordering: .relaxed) }

    /// Connections turned away at a cap so far.
    var refusedConnections: Int { shared.refusedConnections.load(ordering: .relaxed) }

    /// Starts the loop thread and the worker threads; answers until `stop()`.
    func start() {
        let shouldStart = shared.state.withLock { state -> Bool in
            guard state == .bound else { return false }
            state = .running
            return true
        }
        guard shouldStart else { return }
        shared.workers.start(count: max(1, limits.workers), wake: { [shared] in shared.wakeLoop() })
        let thread = Thread { [shared, limits] in
            HTTPEventLoop(shared: shared, limits: limits).run()
        }
        thread.name = "checkup.serve"
        thread.start()
    }

    /// Stops the server: the loop closes the listener and every connection and ends, the workers
    /// end when their current request is done. The loop closes its own sockets, so their numbers
    /// cannot be reused under it; a server never started closes its listener here.
    func stop() {
        let previous = shared.state.withLock { state -> Shared.State in
            defer { state = .stopped }
            return state
        }
        switch previous {
        case .bound:
            close(shared.listener)
        case .running:
            shared.workers.stop()
            shared.wakeLoop()
        case .stopped:
            break
        }
    }
}

/// The threads that run the handler: requests arrive in a `Mutex`-guarded queue counted by a
/// semaphore, answers go back to the loop through another queue and the loop's eventfd.
final class HTTPWorkers: Sendable {
    struct Job: Sendable {
        var connection: UInt64
        var request: HTTPServer.Request
    }

    struct Done: Sendable {
        var connection: UInt64
        var response: HTTPServer.Response
    }

    private let handler: HTTPServer.Handler
    private let jobs = Mutex<[Job]>([])
    private let done = Mutex<[Done]>([])
    private let ready = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let threads = Atomic<Int>(0)

    init(handler: @escaping HTTPServer.Handler) { self.handler = handler }

    func start(count: Int, wake: @escaping @Sendable () -> Void) {
        threads.store(count, ordering: .relaxed)
        for i in 0..<count {
            let thread = Thread { [self] in
                while true {
                    ready.wait()
                    guard !stopped.load(ordering: .relaxed), let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
                        if stopped.load(ordering: .relaxed) { return }
                        continue
                    }
                    let response = handler(job.request)
                    let first = done.withLock { queue -> Bool in
                        queue.append(Done(connection: job.connection, response: response))
                        return queue.count == 1
                    }
                    if first { wake() }  // the loop takes the whole queue when it wakes
                }
            }
            thread.name = "checkup.serve.worker\(i)"
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Queues a request (called by the loop thread).
    func submit(_ job: Job) {
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// The answers finished since the last call (called by the loop thread).
    func takeDone() -> [Done] { done.withLock { queue in defer { queue = [] }; return queue } }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<threads.load(ordering: .relaxed) { ready.signal() }
    }
}
