internal import CLinux
import Foundation

/// One client connection of `HTTPEventLoop`, owned by the loop thread: its phase, the deadline of
/// that phase, the bytes read and not yet parsed, and the response being written.
final class HTTPConnection {
    enum Phase: Equatable {
        /// Waiting for (the rest of) a request head, until `deadline`.
        case readingHead
        /// A request is with the workers; no deadline (the handler bounds its own waits).
        case handling
        /// Writing a response; `deadline` moves on with every byte the client takes.
        case writing
        /// Between requests of a persistent connection, until `deadline`.
        case idle
    }

    let id: UInt64
    let fd: Int32
    let peer: PeerAddress
    var phase = Phase.readingHead
    /// CLOCK_MONOTONIC nanoseconds.
    var deadline: Int64
    var input: [UInt8] = []
    /// How far `input` was searched for the end of the head.
    var scanned = 0
    var requestsServed = 0
    var keepAlive = false
    /// The request being answered is a HEAD: the response goes without its body.
    var isHead = false
    /// The HTTP version of the request being answered.
    var version = "HTTP/1.1"
    /// The client shut down its side: answer what it asked, then close.
    var inputClosed = false
    /// The events the socket is registered for.
    var events: UInt32

    // The response being written.
    var head: [UInt8] = []
    var headSent = 0
    var body: HTTPServer.Response.Body?
    var bodySent = 0

    init(id: UInt64, fd: Int32, peer: PeerAddress, deadline: Int64, events: UInt32) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.deadline = deadline
        self.events = events
    }

    enum WriteOutcome { case done, blocked, failed }

    /// Writes as much of the response as the socket takes now.
    func write() -> WriteOutcome {
        while headSent < head.count {
            let more = (body?.count ?? 0) > bodySent ? Int32(MSG_MORE) : 0
            let n = head.withUnsafeBytes { send(fd, $0.baseAddress! + headSent, $0.count - headSent, Int32(MSG_NOSIGNAL) | more) }  // non-empty
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .blocked }
            guard n > 0 else { return .failed }
            headSent += n
        }
        switch body {
        case .bytes(let bytes)?:
            while bodySent < bytes.count {
                let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + bodySent, $0.count - bodySent, Int32(MSG_NOSIGNAL)) }  // non-empty
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .blocked }
                guard n > 0 else { return .failed }
                bodySent += n
                }
        case .file(let file)?:
            while bodySent < file.size {
                var offset = off_t(bodySent)
                let n = clinux_sendfile(fd, file.descriptor, &offset, min(file.size - bodySent, 1 << 20))
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .blocked }
                guard n > 0 else { return .failed }  // 0: the file shrank under us; the length is promised
                bodySent = Int(offset)
                }
        case nil:
            break
        }
        return .done
    }

    /// Drops the finished response (closing its file if no one else holds it).
    func clearResponse() {
        head = []
        headSent = 0
        body = nil
        bodySent = 0
    }
}

/// The unit the per-address cap counts: an IPv4 address (also when it arrives IPv4-mapped on a
/// dual-stack socket), or an IPv6 /64, since one IPv6 client usually has a whole /64 to pick from.
struct PeerAddress: Hashable {
    var high: UInt64
    var low: UInt64

    init(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            }
            self.init(high: 4, low: UInt64(UInt32(bigEndian: address)))
        case AF_INET6:
            let bytes: [UInt8] = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                    withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
                }
            }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {  // ::ffff:a.b.c.d
                self.init(high: 4, low: bytes[12...].reduce(0) { $0 << 8 | UInt64($1) })
            } else {
                self.init(high: 6, low: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) })
            }
        default:
            self.init(high: 0, low: 0)
        }
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}
