import Foundation
import Synchronization

/// Serves the status page and the check files of a local store over HTTP (`checkup serve`).
///
/// Routes: `/` and `/index.html` serve the page; `/index.json`, `/<digits>-check.json` and the
/// status summaries (`/summaries/…`) serve the store's files as stored; any other path is a file
/// of the page directory. Every response carries `ETag` (SHA-256 of the body) and, for files,
/// `Last-Modified`; a matching `If-None-Match` or `If-Modified-Since` gets `304 Not Modified`,
/// so polling the page is cheap. Text is gzipped for clients that accept it. No path can reach
/// outside the two directories, and only GET and HEAD are answered.
public final class StatusPageServer: Sendable {
    private let server: HTTPServer

    /// The TCP port the server listens on.
    public var port: UInt16 { server.port }

    /// Binds the server.
    /// - Parameters:
    ///   - listen: `host:port`, `:port` (every interface) or `[::1]:port`, as the original's `--listen`.
    ///   - pageDirectory: the `statuspage` folder (index.html, js/, css/, images/).
    ///   - storage: the store whose check files to serve: an fs directory's files are served as
    ///     they are; any other `StorageReader` (such as S3) is read through the protocol.
    /// - Throws: `CheckupError` (`.config`) when the address is malformed or cannot be bound.
    public init(listen: String, pageDirectory: String, storage: any StorageReader) throws {
        let (host, port) = try Self.parseListen(listen)
        let page = URL(fileURLWithPath: pageDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        if let fs = storage as? FileSystemStorage {
            let store = URL(fileURLWithPath: fs.directory).standardizedFileURL.resolvingSymlinksInPath().path
            server = try HTTPServer(host: host, port: port) { request in
                Self.route(request, page: page, store: .directory(store))
            }
        } else {
            server = try HTTPServer(host: host, port: port) { request in
                Self.route(request, page: page, store: .reader(storage))
            }
        }
    }

    /// Where check files come from.
    enum Store: Sendable {
        case directory(String)
        case reader(any StorageReader)
    }

    /// Starts answering requests on a background thread.
    public func start() { server.start() }

    /// Stops accepting connections.
    public func stop() { server.stop() }

    /// Splits `:3000`, `127.0.0.1:3000`, `[::1]:3000` or `localhost:3000` into host and port.
    static func parseListen(_ text: String) throws(CheckupError) -> (String, UInt16) {
        let bad = CheckupError(.usage, "--listen: \(JSONValue.string(text).shortText) is not an address such as :3000 or 127.0.0.1:3000")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = UInt16(text[text.index(after: colon)...]) else { throw bad }
        return (host, port)
    }

    static func route(_ request: HTTPServer.Request, page: String, store: Store) -> HTTPServer.Response {
        var path = request.path
        if path == "/" { path = "/index.html" }
        let name = String(path.dropFirst())
        let isSummary = (try? SummaryKey.check(name)) != nil
        if case .reader(let reader) = store, name == FileSystemStorage.indexName || FileSystemStorage.isCheckFileName(name) || isSummary {
            return fromReader(reader, name: name, isSummary: isSummary, request: request)
        }
        if case .directory(let store) = store, let response = fromDirectory(store, name: name, isSummary: isSummary, request: request) {
            return response
        }
        // Page files: no empty, dot or hidden segments, so nothing climbs out or reveals dotfiles.
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.contains("\\") }) else {
            return .text(404, "Not found")
        }
        let full = URL(fileURLWithPath: page + "/" + name).resolvingSymlinksInPath().path
        guard full.hasPrefix(page + "/") else { return .text(404, "Not found") }
        return file(full, request: request) ?? .text(404, "Not found: \(name)")
    }

    /// The store's own files from an fs directory; nil for any other name (a page file).
    static func fromDirectory(_ store: String, name: String, isSummary: Bool, request: HTTPServer.Request) -> Response? {
        if name == FileSystemStorage.indexName {
            // A store that has not been written yet has an empty index, not a missing one.
            return file(store + "/" + name, request: request) ?? Response(status: 200, headers: [
                ("Content-Type", "application/json"), ("Cache-Control", "no-cache")], body: Array("{}\n".utf8))
        }
        if name == StatusSummaries.manifestKey {
            // No summaries yet: an empty manifest (the page then reads the check files), not a 404.
            return file(store + "/" + name, request: request) ?? emptyManifest
        }
        if FileSystemStorage.isCheckFileName(name) || isSummary {
            return file(store + "/" + name, request: request) ?? .text(404, "Not found: \(name)")
        }
        return nil
    }

    typealias Response = HTTPServer.Response

    static let emptyManifest = Response(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache")],
                                        body: [UInt8](StatusSummaries.manifestData([])))

    /// `index.json` or a check file read through a `StorageReader` (S3 and the like); the
    /// worker thread waits for the asynchronous read.
    static func fromReader(_ reader: any StorageReader, name: String, isSummary: Bool, request: HTTPServer.Request) -> Response {
        let outcome = waitFor { () async throws -> Data? in
            if name == FileSystemStorage.indexName { return FileSystemStorage.indexData(try await reader.index()) }
            if isSummary {
                return try await (reader as? any SummaryStorage)?.readSummaryObject(name)?.data
            }
            return CheckResult.checkFileData(try await reader.fetch(name))
        }
        switch outcome {
        case .success(nil):
            return name == StatusSummaries.manifestKey ? emptyManifest : .text(404, "Not found: \(name)")
        case .success(let data?):
            return respond([UInt8](data), contentType: "application/json", lastModified: nil, request: request)
        case .failure(let error):
            return .text(502, "storage: \(error)")
        }
    }

    /// Runs `body` on the concurrency pool and blocks this (non-pool) thread until it is done.
    static func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return box.get() ?? .failure(CancellationError())
    }

    /// Hands a result from the task to the waiting thread; the semaphore orders the two accesses.
    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private var value: Result<T, any Error>?
        private let lock = NSLock()
        func set(_ v: Result<T, any Error>) { lock.lock(); value = v; lock.unlock() }
        func get() -> Result<T, any Error>? { lock.lock(); defer { lock.unlock() }; return value }
    }

    /// A regular file's response with validators, or nil when there is no such file.
    static func file(_ path: String, request: HTTPServer.Request) -> Response? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return respond([UInt8](data), contentType: contentType(path), lastModified: Int64(st.st_mtim.tv_sec), request: request)
    }

    /// A 200 with validators (`ETag`, the SHA-256 of the content; `Last-Modified` when known), or a
    /// 304 when the request's validator matches. Text of 1 KiB or more is gzipped for a client
    /// that accepts it; that representation has its own `ETag` (suffix `-gz`), as RFC 9110 asks.
    static func respond(_ content: [UInt8], contentType: String, lastModified: Int64?, request: HTTPServer.Request) -> Response {
        let compressible = contentType.hasPrefix("text/") || contentType.hasPrefix("application/json") || contentType.hasPrefix("image/svg")
        let gzip = compressible && content.count >= 1024 && acceptsGzip(request.header("Accept-Encoding"))
        let tag = Digest.sha256Hex(content).prefix(32) + (gzip ? "-gz" : "")
        let etag = "\"" + tag + "\""
        var headers: [(String, String)] = [
            ("Content-Type", contentType),
            ("ETag", etag),
            // Revalidate every time: check files never change, but the index and page do.
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if compressible { headers.append(("Vary", "Accept-Encoding")) }
        let modified = lastModified.map(httpDate)
        if let modified { headers.append(("Last-Modified", modified)) }
        if contentType.hasPrefix("text/html") {
            headers.append(("Content-Security-Policy",
                            "default-src 'self'; connect-src 'self' http: https:; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"))
            headers.append(("Referrer-Policy", "no-referrer"))
        }
        if let tags = request.header("If-None-Match") {
            if tags == "*" || tags.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == etag
            }) {
                return Response(status: 304, headers: headers)
            }
        } else if let modified, request.header("If-Modified-Since") == modified {
            return Response(status: 304, headers: headers)
        }
        guard gzip else { return Response(status: 200, headers: headers, body: content) }
        headers.append(("Content-Encoding", "gzip"))
        return Response(status: 200, headers: headers, body: compressed(content, tag: String(tag)))
    }

    /// Compressed bodies by ETag: every visitor's first load asks for the same few files, and a
    /// megabyte of summary takes tens of milliseconds to compress. At most 64 MiB are kept.
    private static let gzipCache = Mutex<(bodies: [String: [UInt8]], bytes: Int)>(([:], 0))

    static func compressed(_ content: [UInt8], tag: String) -> [UInt8] {
        if let hit = gzipCache.withLock({ $0.bodies[tag] }) { return hit }
        let body = Gzip.compress(content)
        gzipCache.withLock { cache in
            if cache.bytes + body.count > 64 << 20 { cache = ([:], 0) }  // rare: start afresh
            cache.bodies[tag] = body
            cache.bytes += body.count
        }
        return body
    }

    /// Whether an `Accept-Encoding` value accepts gzip (and does not refuse it with `q=0`).
    static func acceptsGzip(_ value: String?) -> Bool {
        guard let value else { return false }
        for item in value.lowercased().split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.first == "gzip" || parts.first == "x-gzip" || parts.first == "*" else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
        return false
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "jpg", "jpeg": "image/jpeg"
        case "txt": "text/plain; charset=utf-8"
        case "webmanifest": "application/manifest+json"
        default: "application/octet-stream"
        }
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ unixSeconds: Int64) -> String {
        let days = Int(unixSeconds / 86_400)
        let rest = Int(unixSeconds % 86_400)
        let (y, m, d) = RFC3339.civilFromDays(days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return weekdays[days % 7] + ", " + String(format: "%02d ", d) + months[m - 1]
            + String(format: " %04d %02d:%02d:%02d GMT", y, rest / 3600, rest / 60 % 60, rest % 60)
    }
}
