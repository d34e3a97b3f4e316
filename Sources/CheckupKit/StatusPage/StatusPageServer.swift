import Foundation
import Synchronization

/// Serves the status page and the check files of a local store over HTTP (`checkup serve`).
///
/// Routes: `/metrics` gives the store's latest rounds and the server's request counts in the
/// Prometheus text format; `/` and `/index.html` serve the page; `/index.json`, `/<digits>-check.json` and the
/// status summaries (`/summaries/…`) serve the store's files as stored; any other path is a file
/// of the page directory. Every response carries `ETag` (SHA-256 of the body) and, for files,
/// `Last-Modified`; a matching `If-None-Match` or `If-Modified-Since` gets `304 Not Modified`,
/// so polling the page is cheap. Text is gzipped for clients that accept it. Files are streamed
/// from disk, never held whole per request. One rule keeps requests inside the two directories:
/// a file is served only when its real path (every symlink resolved) lies inside the real path of
/// its directory and it is a regular file; anything else is a 404. Only GET and HEAD are answered.
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
    ///   - endpointTypes: the checker type of each endpoint by `"<title>\n<endpoint>"`, for the
    ///     `type` label of `/metrics` (latest rounds do not record it; `Checkup.endpointTypes`).
    /// - Throws: `CheckupError` (`.config`) when the address is malformed or cannot be bound.
    public convenience init(listen: String, pageDirectory: String, storage: any StorageReader,
                            endpointTypes: [String: String] = [:]) throws {
        try self.init(listen: listen, pageDirectory: pageDirectory, storage: storage, limits: HTTPServer.Limits(),
                      endpointTypes: endpointTypes)
    }

    /// Binds the server with `limits` (deadlines and caps; the tests pass short ones).
    init(listen: String, pageDirectory: String, storage: any StorageReader, limits: HTTPServer.Limits,
         endpointTypes: [String: String] = [:]) throws {
        let (host, port) = try Self.parseListen(listen)
        // Absolute now; symlinks are resolved at each request, so a store made later is found.
        let page = URL(fileURLWithPath: pageDirectory).standardizedFileURL.path
        let store: Store = (storage as? FileSystemStorage).map { .directory(URL(fileURLWithPath: $0.directory).standardizedFileURL.path) }
            ?? .reader(storage)
        let counts = RequestCounts(), summaries = storage as? any SummaryStorage
        server = try HTTPServer(host: host, port: port, limits: limits, loopReplied: { counts.add($0) }) { request in
            let response = request.path == Self.metricsPath ? Self.metrics(summaries, counts: counts, types: endpointTypes)
                : Self.route(request, page: page, store: store)
            counts.add(response.status)
            return response
        }
    }

    /// The server underneath (for tests: its connection counts).
    var http: HTTPServer { server }

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
        if let type = PublicFileKey.contentType(name) {  // the feeds, the API, the badges: from the store, never the page folder
            return publicFile(name, type: type, store: store, request: request)
        }
        if case .directory(let store) = store, let response = fromDirectory(store, name: name, isSummary: isSummary, request: request) {
            return response
        }
        // Page files: no empty, dot or hidden segments, so nothing climbs out or reveals dotfiles.
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.contains("\\") }) else {
            return .text(404, "Not found")
        }
        guard case .found(let response) = file(name, in: page, request: request) else { return .text(404, "Not found: \(name)") }
        return response
    }

    /// The store's own files from an fs directory; nil for any other name (a page file).
    static func fromDirectory(_ store: String, name: String, isSummary: Bool, request: HTTPServer.Request) -> Response? {
        guard name == FileSystemStorage.indexName || FileSystemStorage.isCheckFileName(name) || isSummary else { return nil }
        switch file(name, in: store, request: request) {
        case .found(let response):
            return response
        case .absent where name == FileSystemStorage.indexName:
            // A store that has not been written yet has an empty index, not a missing one.
            return Response(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache")],
                            body: .bytes(Array("{}\n".utf8)))
        case .absent where name == StatusSummaries.manifestKey:
            // No summaries yet: an empty manifest (the page then reads the check files), not a 404.
            return emptyManifest
        case .absent where emptyViews[name] != nil:
            return emptyViews[name]  // no incident or window yet: none, not a 404 in the visitor's console
        case .absent, .refused:
            return .text(404, "Not found: \(name)")
        }
    }

    typealias Response = HTTPServer.Response

    static let emptyManifest = Response(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache")],
                                        body: .bytes([UInt8](StatusSummaries.manifestData([]))))

    /// The page's incident and maintenance views of a store that has none yet.
    static let emptyViews = [IncidentLog.pageKey: IncidentLog.pageData([]), MaintenanceLog.pageKey: MaintenanceLog.pageData([])].mapValues {
        Response(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache")], body: .bytes([UInt8]($0)))
    }

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
            return name == StatusSummaries.manifestKey ? emptyManifest : emptyViews[name] ?? .text(404, "Not found: \(name)")
        case .success(let data?):
            return respond([UInt8](data), contentType: "application/json", lastModified: nil, request: request)
        case .failure(let error):
            return .text(502, "storage: \(error)")
        }
    }

    /// A public file (`PublicFileKey`) of the store: an fs directory's as stored, another store's
    /// through `PublicFileStorage`.
    static func publicFile(_ name: String, type: String, store: Store, request: HTTPServer.Request) -> Response {
        switch store {
        case .directory(let directory):
            guard case .found(let response) = file(name, in: directory, request: request) else { return absentPublicFile(name) }
            return response
        case .reader(let reader):
            switch waitFor({ try await (reader as? any PublicFileStorage)?.readPublicFile(name) }) {
            case .success(let data?): return respond([UInt8](data), contentType: type, lastModified: nil, request: request)
            case .success(nil): return absentPublicFile(name)
            case .failure(let error): return .text(502, "storage: \(error)")
            }
        }
    }

    /// A public file the store does not have: no components yet (the page reads them on every
    /// refresh) is an empty list, not a 404 in the visitor's console; anything else is a 404.
    static func absentPublicFile(_ name: String) -> Response {
        guard name == StatusAPIFiles.componentsKey else { return .text(404, "Not found: \(name)") }
        return Response(status: 200, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-cache")],
                        body: .bytes(Array(#"{"components":[]}"#.utf8) + [0x0A]))
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

}
