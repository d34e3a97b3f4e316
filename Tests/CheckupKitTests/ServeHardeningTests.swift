import Foundation
import Testing
@testable import CheckupKit

/// Raises this process's soft limit on open files to the hard limit (a test here holds both ends
/// of a thousand connections); returns the limit in force.
@discardableResult
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    guard getrlimit(resource, &limit) == 0 else { return 0 }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
        _ = getrlimit(resource, &limit)
    }
    return Int(min(limit.rlim_cur, 1 << 20))
}

/// A blocking TCP client on loopback from `source`: every 127.x.y.z address is this machine, and
/// the server counts each as a client of its own. Reads wait at most `timeout` each.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, from source: String = "127.0.0.1", timeout: Int = 20) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CheckupError(.service, "socket: \(String(cString: strerror(errno)))") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        remote.sin_port = port.bigEndian
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &local) { l in
            withUnsafePointer(to: &remote) { r in
                l.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } == 0
                    && r.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } == 0
            }
        }
        guard ok else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CheckupError(.service, "connect from \(source): \(reason)")
        }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads more into the buffer; false at the end of the stream, an error or the timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk[..<n]
        return true
    }

    /// The next response: status, lower-cased header fields and the body (`Content-Length` of it,
    /// none for a HEAD or a 304); nil when the connection ends first.
    func response(bodyless: Bool = false) -> (status: Int, headers: [String: String], body: [UInt8])? {
        var end = HTTPServer.headEnd(buffer)
        while end == nil {
            guard fill() else { return nil }
            end = HTTPServer.headEnd(buffer)
        }
        guard let end, let head = String(validating: buffer[..<end], as: UTF8.self) else { return nil }
        buffer.removeSubrange(..<end)
        let lines = head.split(separator: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = bodyless || status == 304 ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard fill() else { return nil }
        }
        let body = Array(buffer[..<length])
        buffer.removeSubrange(..<length)
        return (status, headers, body)
    }

    /// Whether the server ends the connection within `seconds` (reading and keeping whatever it
    /// sends first, such as a 408).
    func isClosed(within seconds: Int64) -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        repeat {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return true }
            if n > 0 { buffer += chunk[..<n]; continue }
            Thread.sleep(forTimeInterval: 0.02)
        } while ContinuousClock.now < deadline
        return false
    }

    /// What the server sent that no `response()` took.
    var unread: String { String(decoding: buffer, as: UTF8.self) }
}

/// `checkup serve`'s server held against slow and greedy clients (issue 13: 1, 8, 9), on loopback.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServeHardeningTests {
    /// A store with one check file and a page folder, served with `limits`.
    struct Served {
        let directory: String
        let server: StatusPageServer
        var port: UInt16 { server.port }
        var store: String { directory + "/checks" }
        var page: String { directory + "/page" }

        init(limits: HTTPServer.Limits = HTTPServer.Limits()) throws {
            directory = try makeTemporaryDirectory()
            try FileManager.default.createDirectory(atPath: directory + "/checks/summaries", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory + "/page/js", withIntermediateDirectories: true)
            try #"[{"title":"Up"}]"#.write(toFile: directory + "/checks/1-check.json", atomically: true, encoding: .utf8)
            try "<html>page</html>".write(toFile: directory + "/page/index.html", atomically: true, encoding: .utf8)
            server = try StatusPageServer(listen: "127.0.0.1:0", pageDirectory: directory + "/page",
                                          storage: FileSystemStorage(directory: directory + "/checks"), limits: limits)
            server.start()
        }

        func stop() {
            server.stop()
            removeDirectory(directory)
        }

        /// GET `path` on a connection of its own.
        func get(_ path: String, from source: String = "127.0.0.1", headers: [String] = []) throws -> (status: Int, headers: [String: String], body: [UInt8])? {
            let client = try RawClient(port: port, from: source)
            client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n" + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n")
            return client.response()
        }
    }

    @Test func aRequestIsAnsweredWhileAThousandSlowConnectionsAreOpen() throws {
        raiseOpenFileLimit()
        var limits = HTTPServer.Limits()
        limits.headTimeout = .seconds(120)  // they stay for the whole test
        let served = try Served(limits: limits)
        defer { served.stop() }
        // 1,000 clients that began a request and never finish it, 25 from each of 40 addresses
        // (under the per-address cap): the old server admitted 256 and shut out everyone else.
        var slow: [RawClient] = []
        for i in 0..<1000 {
            let client = try RawClient(port: served.port, from: "127.0.1.\(i / 25 + 1)")
            client.send("GET /index.json HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(client)
        }
        try waitFor(seconds: 60) { served.server.http.openConnections >= 1000 }
        let answer = try #require(try served.get("/1-check.json"))
        #expect(answer.status == 200 && answer.body == Array(#"[{"title":"Up"}]"#.utf8))
        #expect(served.server.http.refusedConnections == 0)
        #expect(!slow[0].isClosed(within: 0) && !slow[999].isClosed(within: 0))
    }

    @Test func aClientDribblingItsHeadIsCutOffAtTheHeadDeadline() throws {
        var limits = HTTPServer.Limits()
        limits.headTimeout = .seconds(1)
        let served = try Served(limits: limits)
        defer { served.stop() }
        // A byte every 200 ms: each recv of the old server saw one within its 10 s, forever.
        let client = try RawClient(port: served.port)
        client.send("GET /1-check.json HTTP/1.1\r\n")
        var closed = false
        for _ in 0..<75 {  // 15 s at most; the deadline is 1 s
            closed = client.isClosed(within: 0)
            if closed { break }
            client.send("X")
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(closed)
        #expect(client.unread.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        // One that sends nothing at all goes too, silently.
        let silent = try RawClient(port: served.port)
        #expect(silent.isClosed(within: 15) && silent.unread.isEmpty)
        #expect(try served.get("/1-check.json")?.status == 200)
    }

    @Test func aConnectionPersistsForSeveralRequestsUpToTheLimitsAndClosesWhenIdle() throws {
        var limits = HTTPServer.Limits()
        limits.idleTimeout = .seconds(1)
        limits.maxRequestsPerConnection = 3
        let served = try Served(limits: limits)
        defer { served.stop() }
        let client = try RawClient(port: served.port)
        client.send("GET /1-check.json HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try #require(client.response())
        #expect(first.status == 200 && first.headers["connection"] == nil && first.headers["keep-alive"] == "timeout=1")
        // Two more in one write (pipelined): the third is the last this connection takes.
        client.send("HEAD /1-check.json HTTP/1.1\r\nHost: x\r\n\r\nGET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        let second = try #require(client.response(bodyless: true))
        #expect(second.status == 200 && second.headers["content-length"] == "16" && second.headers["connection"] == nil)
        let third = try #require(client.response())
        #expect(third.status == 200 && third.body == Array("<html>page</html>".utf8) && third.headers["connection"] == "close")
        #expect(client.isClosed(within: 10))

        // An idle persistent connection is closed after idleTimeout; HTTP/1.0 persists only when asked.
        let idle = try RawClient(port: served.port)
        idle.send("GET /1-check.json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try #require(idle.response()).headers["connection"] == "keep-alive")
        #expect(idle.isClosed(within: 10) && idle.unread.isEmpty)
        let old = try RawClient(port: served.port)
        old.send("GET /1-check.json HTTP/1.0\r\n\r\n")
        #expect(try #require(old.response()).headers["connection"] == "close")
    }

    @Test func connectionsOverTheCapsAreTurnedAwayWith503() throws {
        var limits = HTTPServer.Limits()
        limits.maxConnectionsPerAddress = 4
        limits.maxConnections = 6
        limits.headTimeout = .seconds(120)  // the silent ones stay for the whole test
        let served = try Served(limits: limits)
        defer { served.stop() }
        let greedy = try (0..<4).map { _ in try RawClient(port: served.port, from: "127.0.2.1") }
        try waitFor(seconds: 30) { served.server.http.openConnections == 4 }
        let fifth = try RawClient(port: served.port, from: "127.0.2.1")
        #expect(fifth.isClosed(within: 10) && fifth.unread.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        // Another address still gets in, up to the global cap.
        #expect(try served.get("/1-check.json", from: "127.0.2.2")?.status == 200)
        let others = try (0..<2).map { _ in try RawClient(port: served.port, from: "127.0.2.3") }
        try waitFor(seconds: 30) { served.server.http.openConnections == 6 }
        let seventh = try RawClient(port: served.port, from: "127.0.2.4")
        #expect(seventh.isClosed(within: 10) && seventh.unread.hasPrefix("HTTP/1.1 503"))
        #expect(served.server.http.refusedConnections == 2)
        withExtendedLifetime((greedy, others)) {}
    }

    @Test func onlyRegularFilesWhoseRealPathIsInsideTheirFolderAreServed() throws {
        let served = try Served()
        defer { served.stop() }
        let outside = served.directory + "/secret.json"
        try #"{"secret":true}"#.write(toFile: outside, atomically: true, encoding: .utf8)
        let links = FileManager.default
        try links.createSymbolicLink(atPath: served.store + "/summaries/x.json", withDestinationPath: outside)
        try links.createSymbolicLink(atPath: served.store + "/2-check.json", withDestinationPath: "../secret.json")
        try links.createSymbolicLink(atPath: served.page + "/js/evil.js", withDestinationPath: outside)
        try links.createSymbolicLink(atPath: served.store + "/summaries/y.json", withDestinationPath: "../1-check.json")
        try links.createSymbolicLink(atPath: served.page + "/alias.html", withDestinationPath: "index.html")
        #expect(mkfifo(served.store + "/3-check.json", 0o644) == 0)
        try links.createDirectory(atPath: served.store + "/4-check.json", withIntermediateDirectories: false)
        for path in ["/summaries/x.json", "/2-check.json", "/js/evil.js", "/3-check.json", "/4-check.json"] {
            #expect(try served.get(path)?.status == 404, "\(path)")
        }
        #expect(try served.get("/summaries/y.json")?.body == Array(#"[{"title":"Up"}]"#.utf8))
        #expect(try served.get("/alias.html")?.body == Array("<html>page</html>".utf8))
        // The index too: a link out of the store is not "no index yet".
        try links.createSymbolicLink(atPath: served.store + "/index.json", withDestinationPath: outside)
        #expect(try served.get("/index.json")?.status == 404)
    }

    @Test func aLargeFileIsStreamedWholeAndGzippedOnce() throws {
        let served = try Served()
        defer { served.stop() }
        // 6 MB of JSON, more than any socket buffer, so the body goes out in many writes.
        let content = Array(("[" + (0..<200_000).map { "{\"n\":\($0)}" }.joined(separator: ",") + "]").utf8)
        try Data(content).write(to: URL(fileURLWithPath: served.store + "/5-check.json"))
        let plain = try #require(try served.get("/5-check.json"))
        #expect(plain.status == 200 && plain.body == content && plain.headers["content-encoding"] == nil)
        #expect(plain.headers["etag"] == "\"" + Digest.sha256Hex(content).prefix(32) + "\"")
        let zipped = try #require(try served.get("/5-check.json", headers: ["Accept-Encoding: gzip"]))
        #expect(zipped.headers["content-encoding"] == "gzip" && zipped.headers["etag"] == "\"" + Digest.sha256Hex(content).prefix(32) + "-gz\"")
        #expect(try Gzip.decompress(zipped.body) == content)
        let again = try #require(try served.get("/5-check.json", headers: ["Accept-Encoding: gzip"]))
        #expect(again.body == zipped.body)
        let etag = try #require(plain.headers["etag"])
        #expect(try served.get("/5-check.json", headers: ["If-None-Match: \(etag)"])?.status == 304)
    }

    @Test func aClientThatStopsReadingIsDroppedAtTheWriteDeadline() throws {
        var limits = HTTPServer.Limits()
        limits.writeTimeout = .seconds(1)
        let served = try Served(limits: limits)
        defer { served.stop() }
        try Data(repeating: 0x41, count: 16 << 20).write(to: URL(fileURLWithPath: served.store + "/6-check.json"))
        let stalled = try RawClient(port: served.port)
        stalled.send("GET /6-check.json HTTP/1.1\r\nHost: x\r\n\r\n")  // and never reads
        try waitFor(seconds: 30) { served.server.http.openConnections == 1 }
        try waitFor(seconds: 30) { served.server.http.openConnections == 0 }
        #expect(try served.get("/1-check.json")?.status == 200)
    }

    @Test func stopClosesTheListenerAndEveryConnection() throws {
        let served = try Served()
        let idle = try RawClient(port: served.port)
        idle.send("GET /1-check.json HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.response()?.status == 200)
        let port = served.port
        served.stop()
        #expect(idle.isClosed(within: 10))
        try waitFor(seconds: 10) { (try? RawClient(port: port)) == nil }  // the listener is closed
    }

    @Test func thePerAddressCapCountsIPv4AddressesAndIPv6Slash64s() {
        func peer(_ text: String) -> PeerAddress {
            var storage = sockaddr_storage()
            withUnsafeMutablePointer(to: &storage) { p in
                if text.contains(":") {
                    p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        $0.pointee.sin6_family = sa_family_t(AF_INET6)
                        _ = inet_pton(AF_INET6, text, &$0.pointee.sin6_addr)
                    }
                } else {
                    p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        $0.pointee.sin_family = sa_family_t(AF_INET)
                        _ = inet_pton(AF_INET, text, &$0.pointee.sin_addr)
                    }
                }
            }
            return PeerAddress(storage)
        }
        #expect(peer("192.0.2.7") == peer("::ffff:192.0.2.7"))  // IPv4-mapped on a dual-stack socket
        #expect(peer("192.0.2.7") != peer("192.0.2.8"))
        #expect(peer("2001:db8::1") == peer("2001:db8::ffff:2"))
        #expect(peer("2001:db8::1") != peer("2001:db8:0:1::1"))
        #expect(peer("::c000:207") != peer("192.0.2.7"))
    }

    @Test func requestHeadsAreParsedAndPersistenceFollowsRFC9112() {
        let head = Array("GET /a%20b?x=1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n".utf8)
        let request = HTTPServer.parse(head[..<(HTTPServer.headEnd(head) ?? 0)])
        #expect(request?.path == "/a b" && request?.version == "HTTP/1.0")
        #expect(request.map(HTTPServer.wantsKeepAlive) == true)
        func persists(_ text: String) -> Bool? {
            HTTPServer.parse(Array(text.utf8)[...]).map(HTTPServer.wantsKeepAlive)
        }
        #expect(persists("GET / HTTP/1.1\r\n\r\n") == true)
        #expect(persists("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") == false)
        #expect(persists("GET / HTTP/1.0\r\n\r\n") == false)
        #expect(persists("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n") == false)
        #expect(HTTPServer.headEnd(Array("GET / HTTP/1.1\r\nA: b\r\n\r".utf8)) == nil)
        #expect(HTTPServer.headEnd(Array("GET / HTTP/1.1\r\n\r\nGET".utf8), from: 10) == 18)
    }
}
