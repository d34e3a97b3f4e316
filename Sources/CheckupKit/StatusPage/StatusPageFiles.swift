import Foundation
import Synchronization

/// Serving files: the one containment rule for the page and the store, validators, gzip.
extension StatusPageServer {
    /// What looking up a file found.
    enum FileLookup {
        case found(HTTPServer.Response)
        /// Nothing by that name (or the directory itself does not exist yet).
        case absent
        /// Something is there but is not served: it resolves outside its directory, or it is not
        /// a regular file (a directory, a FIFO, a device), or it cannot be read.
        case refused
    }

    /// The file `name` of `directory`, by the rule for the page and the store alike: its real path
    /// (`realpath`, every symlink resolved) must lie inside the directory's real path, and it must
    /// be a regular file. A link to another file of the directory is served; a link out of it
    /// (`summaries/x.json → /etc/passwd`) is refused. The body is the open file, streamed.
    static func file(_ name: String, in directory: String, request: HTTPServer.Request) -> FileLookup {
        guard let root = realPath(directory), let real = realPath(root + "/" + name) else { return .absent }
        guard real.hasPrefix(root == "/" ? "/" : root + "/") else { return .refused }
        // O_NOFOLLOW: a link swapped in since realpath is refused; O_NONBLOCK: a FIFO cannot block us.
        let fd = open(real, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return errno == ENOENT ? .absent : .refused }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .refused
        }
        let open = HTTPServer.OpenFile(descriptor: fd, size: Int(st.st_size))
        guard let tag = contentTag(open, FileVersion(st)) else { return .refused }
        return .found(respond(size: open.size, tag: tag, contentType: contentType(real), lastModified: Int64(st.st_mtim.tv_sec),
                              request: request, identity: .file(open)) {
            compressed(tag) { Gzip.compress(fileDescriptor: open.descriptor, length: open.size) }
        })
    }

    /// `realpath(3)`, nil when the path does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What identifies one version of a file, so its content hash is computed once.
    struct FileVersion: Hashable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: Int64, modifiedNanos: Int, changed: Int64, changedNanos: Int

        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            size = Int64(st.st_size)
            modified = Int64(st.st_mtim.tv_sec)
            modifiedNanos = st.st_mtim.tv_nsec
            changed = Int64(st.st_ctim.tv_sec)
            changedNanos = st.st_ctim.tv_nsec
        }
    }

    /// Content tags by file version, at most 16,384 (then started afresh).
    private static let tags = Mutex<[FileVersion: String]>([:])

    /// The first 32 hex digits of the file's SHA-256, read in chunks the first time.
    static func contentTag(_ file: HTTPServer.OpenFile, _ version: FileVersion) -> String? {
        if let tag = tags.withLock({ $0[version] }) { return tag }
        guard let digest = Digest.sha256(fileDescriptor: file.descriptor, length: file.size) else { return nil }
        let tag = String(Digest.hex(digest).prefix(32))
        tags.withLock { tags in
            if tags.count >= 16_384 { tags = [:] }
            tags[version] = tag
        }
        return tag
    }

    /// Content in memory (read through a `StorageReader`): its response with validators.
    static func respond(_ content: [UInt8], contentType: String, lastModified: Int64?, request: HTTPServer.Request) -> Response {
        let tag = String(Digest.sha256Hex(content).prefix(32))
        return respond(size: content.count, tag: tag, contentType: contentType, lastModified: lastModified,
                       request: request, identity: .bytes(content)) {
            compressed(tag) { Gzip.compress(content) }
        }
    }

    /// Text up to this size is gzipped (once: the compressed body is cached); larger files go
    /// as they are, streamed.
    static let maxGzipBytes = 32 << 20

    /// A 200 with validators (`ETag` from the content's SHA-256; `Last-Modified` when known), or a
    /// 304 when the request's validator matches. Text of 1 KiB or more is gzipped for a client
    /// that accepts it; that representation has its own `ETag` (suffix `-gz`), as RFC 9110 asks.
    /// `gzipped` gives the compressed body, nil when it cannot be made.
    static func respond(size: Int, tag: String, contentType: String, lastModified: Int64?, request: HTTPServer.Request,
                        identity: HTTPServer.Response.Body, gzipped: () -> [UInt8]?) -> Response {
        let compressible = contentType.hasPrefix("text/") || contentType.hasPrefix("application/json") || contentType.hasPrefix("image/svg")
        let gzip = compressible && size >= 1024 && size <= maxGzipBytes && acceptsGzip(request.header("Accept-Encoding"))
        let etag = "\"" + tag + (gzip ? "-gz" : "") + "\""
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
        guard gzip else { return Response(status: 200, headers: headers, body: identity) }
        guard let body = gzipped() else { return .text(500, "Cannot read the file") }
        headers.append(("Content-Encoding", "gzip"))
        return Response(status: 200, headers: headers, body: .bytes(body))
    }

    /// Compressed bodies by ETag: every visitor's first load asks for the same few files, and a
    /// megabyte of summary takes tens of milliseconds to compress. At most 64 MiB are kept; every
    /// response shares the cached copy. One body is compressed at a time, so many first requests
    /// for one large file make one copy, not one each.
    private static let gzipCache = Mutex<(bodies: [String: [UInt8]], bytes: Int)>(([:], 0))
    private static let compressing = Mutex(())

    static func compressed(_ tag: String, _ compress: () -> [UInt8]?) -> [UInt8]? {
        if let hit = gzipCache.withLock({ $0.bodies[tag] }) { return hit }
        return compressing.withLock { _ -> [UInt8]? in
            if let hit = gzipCache.withLock({ $0.bodies[tag] }) { return hit }  // made while we waited
            guard let body = compress(), !body.isEmpty else { return nil }
            gzipCache.withLock { cache in
                if cache.bytes + body.count > 64 << 20 { cache = ([:], 0) }  // rare: start afresh
                cache.bodies[tag] = body
                cache.bytes += body.count
            }
            return body
        }
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
        case "atom": "application/atom+xml; charset=utf-8"
        case "rss": "application/rss+xml; charset=utf-8"
        case "ics": "text/calendar; charset=utf-8"
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
