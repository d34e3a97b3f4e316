internal import CAres
import Foundation

/// One DNS question to send to one server. Plain values, so it can cross to the resolver thread.
struct DNSQuery: Sendable {
    /// The name asked about, with or without its trailing dot; `"."` is the root.
    var name: String
    /// The RR TYPE code (RFC 1035 §3.2.2), e.g. 1 for A.
    var type: UInt16
    /// The server: an IPv4 or IPv6 address (no brackets), or a name resolved first; empty for
    /// the system's servers (resolv.conf).
    var host: String
    var port: UInt16
    /// Limit for the whole exchange, including resolving a server name.
    var timeout: Duration
}

/// One answer record in presentation form.
struct DNSRecord: Sendable, Equatable {
    /// As `dig +short` shows it: `192.0.2.1`, `10 mail.test.`, `0 0 80 www.test.`, TXT text unquoted.
    var text: String
    /// The part an expectation may name alone: the target name of CNAME, NS, PTR, MX, SRV and
    /// SOA (`mname`) records, or a CAA record's value.
    var target: String?
}

/// How a query ended. Any case but `timedOut`, `failed` and `cancelled` means a DNS server replied.
enum DNSOutcome: Sendable, Equatable {
    /// NOERROR with records of the asked type.
    case records([DNSRecord])
    /// NOERROR without records of the asked type (NODATA).
    case noRecords
    /// An error RCODE by its RFC 1035 §4.1.1 name: `NXDOMAIN`, `SERVFAIL`, `REFUSED`, `NOTIMP`, `FORMERR`.
    case rcode(String)
    /// No answer before the query's timeout.
    case timedOut
    /// The query could not be sent or its answer not read; c-ares' description.
    case failed(String)
    /// The calling task was cancelled.
    case cancelled
}

/// What came back from a query, with its times measured on the resolver thread.
struct DNSExchange: Sendable {
    var outcome: DNSOutcome
    /// From the start (including any server-name lookup) until the answer or the failure.
    var rtt: Duration
    /// Time spent resolving the server's name; nil when it was an address.
    var serverLookup: Duration?
}

/// The one thread that drives c-ares for the whole process, the way `CurlEngine` drives libcurl.
///
/// Queries arrive through a `LoopInbox` woken by a self-pipe; the thread makes one
/// `ares_channel` per query (each has its own server and timeout), polls every channel's sockets
/// (`ares_getsock` + `poll`), feeds them to `ares_process_fd`, and resumes each caller's
/// continuation from its channel's callback. Channels never leave the thread, so c-ares needs no
/// locking and hundreds of queries run at once without blocking Swift's cooperative threads.
final class DNSResolver: Sendable {
    /// The process-wide resolver, started on first use.
    static let shared = DNSResolver()

    private typealias Job = LoopInbox<DNSQuery, DNSExchange>.Job

    private let inbox: LoopInbox<DNSQuery, DNSExchange>
    /// The self-pipe that wakes the thread's `poll`: (read end, write end), both non-blocking.
    private let wake: (read: Int32, write: Int32)

    /// Starts a resolver with its own thread; the process shares `shared`, tests make their own.
    init() {
        _ = ares_library_init(ARES_LIB_INIT_ALL)
        var ends: [Int32] = [-1, -1]
        // pipe(2) fails only when the process is out of descriptors; the thread then never wakes
        // early, and queries still end at their deadlines (the poll timeout).
        _ = pipe(&ends)
        for fd in ends where fd >= 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let writeEnd = ends[1]
        wake = (ends[0], writeEnd)
        inbox = LoopInbox {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)  // a full pipe already wakes the thread
        }
        let thread = Thread { [self] in run() }
        thread.name = "checkup.dns"
        thread.start()
    }

    /// Sends `query` and returns how it ended. Cancelling the calling task stops the query at once
    /// and returns `.cancelled`, as does a resolver that was shut down.
    func exchange(_ query: DNSQuery) async -> DNSExchange {
        do {
            return try await inbox.submit(query)
        } catch {
            return DNSExchange(outcome: .cancelled, rtt: .zero)
        }
    }

    /// Ends the resolver thread: queries in flight and later ones end `.cancelled`, and the
    /// self-pipe is closed.
    func shutDown() { inbox.shutDown() }

    // MARK: - The resolver thread

    /// One query in flight, owned by the resolver thread. c-ares callbacks reach it as an
    /// unretained pointer; the thread's `active` table keeps it alive until its channel is destroyed.
    private final class Active {
        let id: UInt64
        let query: DNSQuery
        let continuation: CheckedContinuation<DNSExchange, any Error>
        let started = ContinuousClock.now
        let deadline: ContinuousClock.Instant
        var channel: ares_channel?
        /// True while the channel is resolving the server's name (`ares_getaddrinfo`).
        var lookingUp = false
        /// The servers for `ares_set_servers_ports_csv`, once known.
        var servers: String?
        var serverLookup: Duration?
        var outcome: DNSOutcome?
        var ended: ContinuousClock.Instant?
        var timedOut = false
        var cancelled = false

        init(_ job: Job) {
            id = job.id
            query = job.request
            continuation = job.continuation
            deadline = started + job.request.timeout
        }

        var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

        /// Starts the lookup of the server's name, or the query itself when the server is an address.
        func start() {
            if query.host.isEmpty { return send() }
            if let literal = DNSResolver.serverEntry(query.host, port: query.port) {
                servers = literal
                send()
                return
            }
            lookingUp = true
            // The system's configuration (resolv.conf, hosts file) resolves the server's own name.
            guard let channel = makeChannel(flags: 0) else { return }
            var hints = ares_addrinfo_hints()
            hints.ai_family = AF_UNSPEC
            ares_getaddrinfo(channel, query.host, nil, &hints, { arg, status, _, info in
                guard let arg else { return }
                let active = Unmanaged<Active>.fromOpaque(arg).takeUnretainedValue()
                active.serverLookup = ContinuousClock.now - active.started
                defer { if let info { ares_freeaddrinfo(info) } }
                guard status == ARES_SUCCESS, let info else {
                    active.end(status, failure: "cannot resolve the server's name: \(DNSResolver.describe(status))")
                    return
                }
                var entries: [String] = []
                var node = info.pointee.nodes
                while let n = node {
                    if let address = DNSResolver.address(n.pointee.ai_addr),
                       let entry = DNSResolver.serverEntry(address, port: active.query.port), !entries.contains(entry) {
                        entries.append(entry)
                    }
                    node = n.pointee.ai_next
                }
                if entries.isEmpty {
                    active.end(ARES_ENODATA, failure: "the server's name has no addresses")
                } else {
                    active.servers = entries.joined(separator: ",")
                }
            }, pointer)
        }

        /// Sends the query on a channel of its own that knows only the configured server.
        func send() {
            lookingUp = false
            // NOSEARCH and NOALIASES keep resolv.conf's search list and HOSTALIASES out; NOCHECKRESP
            // hands SERVFAIL and REFUSED answers to the callback instead of retrying them, so they
            // can be reported. c-ares retries over TCP when a UDP answer is truncated.
            guard let channel = makeChannel(flags: ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP,
                                            ownServers: !query.host.isEmpty) else { return }
            let status = query.host.isEmpty ? ARES_SUCCESS : ares_set_servers_ports_csv(channel, servers ?? "")
            guard status == ARES_SUCCESS else { return end(status, failure: DNSResolver.describe(status)) }
            // Class IN (RFC 1035 §3.2.4), recursion desired (c-ares' default).
            ares_query(channel, query.name, 1, Int32(query.type), { arg, status, _, answer, length in
                guard let arg else { return }
                let active = Unmanaged<Active>.fromOpaque(arg).takeUnretainedValue()
                active.end(status, answer: answer.map { UnsafeBufferPointer(start: $0, count: Int(max(0, length))) })
            }, pointer)
        }

        /// A channel with these flags. With `ownServers` (the check names its server) it is
        /// configured in full here, so c-ares reads none of resolv.conf, nsswitch.conf and
        /// host.conf and asks no host name (about a dozen system calls a check): no servers yet,
        /// no search domains, no sort list; the lookup order serves only host lookups, unused.
        private func makeChannel(flags: Int32, ownServers: Bool = false) -> ares_channel? {
            var options = ares_options()
            options.flags = flags
            options.timeout = Int32(clamping: max(1, query.timeout.nanoseconds / 1_000_000))  // ARES_OPT_TIMEOUTMS
            options.tries = 1
            var mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | (flags == 0 ? 0 : ARES_OPT_FLAGS)
            if ownServers {
                options.ndots = 1
                mask |= ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_SORTLIST | ARES_OPT_NDOTS | ARES_OPT_LOOKUPS
            }
            var made: ares_channel?
            let status = Self.lookupOrder.withUnsafeBufferPointer { order in
                options.lookups = ownServers ? UnsafeMutablePointer(mutating: order.baseAddress) : nil
                return ares_init_options(&made, &options, mask)  // copies the lookup order
            }
            guard status == ARES_SUCCESS, let made else {
                end(status, failure: DNSResolver.describe(status))
                return nil
            }
            channel = made
            return made
        }

        /// "b": DNS only, as resolv.conf's `lookup bind`.
        private static let lookupOrder: [CChar] = [0x62, 0]

        /// Records how the query ended, from a c-ares status and, when a DNS reply arrived, its
        /// bytes; `failure` describes a status that is not about the DNS reply.
        func end(_ status: Int32, answer: UnsafeBufferPointer<UInt8>? = nil, failure: String? = nil) {
            guard outcome == nil else { return }
            ended = .now
            if status == ARES_ECANCELLED || status == ARES_EDESTRUCTION {
                outcome = cancelled && !timedOut ? .cancelled : .timedOut
                return
            }
            if let failure { return outcome = .failed(failure) }
            outcome = switch status {
            case ARES_SUCCESS: answer.map { DNSRecordParser.records(type: query.type, in: $0) } ?? .noRecords
            case ARES_ENODATA: .noRecords
            case ARES_ENOTFOUND: .rcode("NXDOMAIN")
            case ARES_ESERVFAIL: .rcode("SERVFAIL")
            case ARES_EREFUSED: .rcode("REFUSED")
            case ARES_ENOTIMP: .rcode("NOTIMP")
            case ARES_EFORMERR: .rcode("FORMERR")
            case ARES_ETIMEOUT: .timedOut
            case ARES_ECONNREFUSED: .failed("connection refused")  // c-ares says "Could not contact DNS servers"
            default: .failed(DNSResolver.describe(status))
            }
        }

        /// Stops the query; its callback runs inside `ares_cancel` and records the outcome.
        func stop(timedOut: Bool) {
            if timedOut { self.timedOut = true } else { cancelled = true }
            if let channel { ares_cancel(channel) }
            end(ARES_ECANCELLED)
        }

        /// Moves on after a callback: from the name lookup to the query, or to the end.
        /// Returns true when the query is over and its channel destroyed.
        func advance() -> Bool {
            if lookingUp, servers != nil, outcome == nil {
                destroyChannel()  // never inside a callback, as c-ares requires
                send()
            }
            guard outcome != nil else { return false }
            destroyChannel()
            return true
        }

        func destroyChannel() {
            if let channel { ares_destroy(channel) }
            channel = nil
        }

        var exchange: DNSExchange {
            DNSExchange(outcome: outcome ?? .cancelled, rtt: (ended ?? .now) - started, serverLookup: serverLookup)
        }
    }

    private func run() {
        var active: [UInt64: Active] = [:]
        var sockets = [ares_socket_t](repeating: ARES_SOCKET_BAD, count: Int(ARES_GETSOCK_MAXNUM))
        while true {
            let (jobs, cancels, shutDown) = inbox.take { active[$0] != nil }
            for job in jobs {
                let query = Active(job)
                active[job.id] = query
                query.start()
            }
            for id in shutDown ? Array(active.keys) : cancels { active[id]?.stop(timedOut: false) }
            let now = ContinuousClock.now
            for query in active.values where query.outcome == nil && query.deadline <= now {
                query.stop(timedOut: true)
            }
            for (id, query) in active where query.advance() {
                active[id] = nil
                inbox.finish(id)
                query.continuation.resume(returning: query.exchange)
            }
            if shutDown {
                close(wake.read)
                close(wake.write)
                return
            }

            // Every channel's sockets, and how long until the first c-ares timeout or deadline.
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            var owners: [Active?] = [nil]
            var wait = active.values.map(\.deadline).min().map { $0 - .now } ?? .seconds(3600)
            for query in active.values {
                guard let channel = query.channel else { continue }
                let bits = ares_getsock(channel, &sockets, Int32(ARES_GETSOCK_MAXNUM))
                for i in 0..<Int(ARES_GETSOCK_MAXNUM) {
                    let readable = bits & (1 << i) != 0, writable = bits & (1 << (i + Int(ARES_GETSOCK_MAXNUM))) != 0
                    guard readable || writable else { continue }
                    fds.append(pollfd(fd: sockets[i], events: Int16((readable ? POLLIN : 0) | (writable ? POLLOUT : 0)), revents: 0))
                    owners.append(query)
                }
                var tv = timeval()
                if let next = ares_timeout(channel, nil, &tv) {
                    wait = min(wait, .seconds(Int64(next.pointee.tv_sec)) + .microseconds(Int64(next.pointee.tv_usec)))
                }
            }
            let milliseconds = Int32(clamping: max(0, (wait.nanoseconds + 999_999) / 1_000_000))
            _ = poll(&fds, nfds_t(fds.count), milliseconds)

            if fds[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 256)
                while read(wake.read, &drain, drain.count) > 0 {}
            }
            for (entry, owner) in zip(fds, owners) where entry.revents != 0 {
                guard let owner, let channel = owner.channel else { continue }
                let readable = entry.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0
                let writable = entry.revents & Int16(POLLOUT) != 0
                ares_process_fd(channel, readable ? entry.fd : ARES_SOCKET_BAD, writable ? entry.fd : ARES_SOCKET_BAD)
            }
            // With no socket given, ares_process_fd only ends the queries whose timeouts passed.
            for query in active.values {
                if let channel = query.channel { ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD) }
            }
        }
    }

    // MARK: - Addresses

    /// The entry for `ares_set_servers_ports_csv`: `192.0.2.1:53` or `[2001:db8::1]:53`; nil when
    /// `host` is not an IP address.
    static func serverEntry(_ host: String, port: UInt16) -> String? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return "\(host):\(port)" }
        if inet_pton(AF_INET6, host, &v6) == 1 { return "[\(host)]:\(port)" }
        return nil
    }

    /// An IP address in its canonical text form (`2001:DB8:0::1` → `2001:db8::1`); nil when
    /// `text` is not an address.
    static func canonicalAddress(_ text: String) -> String? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return ntop(AF_INET, &v4) }
        if inet_pton(AF_INET6, text, &v6) == 1 { return ntop(AF_INET6, &v6) }
        return nil
    }

    /// `inet_ntop` of the address at `bytes`.
    static func ntop(_ family: Int32, _ bytes: UnsafeRawPointer) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return buffer.withUnsafeMutableBufferPointer { b in
            inet_ntop(family, bytes, b.baseAddress, socklen_t(b.count)).map { String(cString: $0) } ?? "?"
        }
    }

    /// The IP address of a `sockaddr_in` or `sockaddr_in6`.
    static func address(_ sa: UnsafeMutablePointer<sockaddr>?) -> String? {
        guard let sa else { return nil }
        switch Int32(sa.pointee.sa_family) {
        case AF_INET: return sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ntop(AF_INET, &$0.pointee.sin_addr) }
        case AF_INET6: return sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ntop(AF_INET6, &$0.pointee.sin6_addr) }
        default: return nil
        }
    }

    /// c-ares' description of a status code (`ares_strerror`).
    static func describe(_ status: Int32) -> String { String(cString: ares_strerror(status)) }
}
