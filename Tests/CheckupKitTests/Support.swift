import Foundation
import Testing
@testable import CheckupKit

/// The repository's root, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A peer process started by a test: prints `PORT <n>` when ready and exits when its standard
/// input closes, so it never outlives the test process.
final class Peer: @unchecked Sendable {  // immutable after init; Process is thread-safe to terminate
    let process = Process()
    let port: Int
    /// The first line the peer printed.
    let banner: String
    private let stdin = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = readFirstLine(stdout)
        banner = text
        if text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) {
            self.port = port
        } else if text.hasPrefix("{") {
            self.port = 0
        } else {
            throw CheckupError(.service, "peer \(executable) did not start: \(text)")
        }
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}

/// Reads from `pipe` until its first line has arrived (or the writer closed it).
func readFirstLine(_ pipe: Pipe) -> String {
    var line = Data()
    while !line.contains(0x0A) {
        let chunk = pipe.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    return String(decoding: line, as: UTF8.self)
}

/// The Python HTTP test server (testdata/peers/httpd.py), one per test process.
let httpPeer: Peer = {
    do {
        return try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path])
    } catch {
        preconditionFailure("cannot start the HTTP test peer: \(error)")
    }
}()

func peerURL(_ path: String) -> String { "http://127.0.0.1:\(httpPeer.port)\(path)" }

/// A fresh temporary directory, removed by the caller with `removeDirectory`.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("checkup-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            _ = bind(fd, $0, length)
            _ = getsockname(fd, $0, &length)
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// GETs `url` through checkup's own libcurl engine; returns status and body.
func httpGet(_ url: String, headers: [String] = []) async throws -> (status: Int, body: String, response: TransferResponse) {
    var request = TransferRequest(url: url)
    request.captureBody = true
    request.headers = headers
    request.timeout = .seconds(5)
    let response = try await CurlEngine.shared.perform(request)
    return (response.status, String(decoding: response.body, as: UTF8.self), response)
}

/// The TLS test peers (testdata/peers/tlsd.py): a test CA and one port per certificate case.
struct TLSPeers: Sendable {
    let peer: Peer
    let directory: String
    let ports: [String: Int]
    var caFile: String { directory + "/ca.pem" }
    func address(_ label: String) -> String { "localhost:\(ports[label] ?? 0)" }
}

let tlsPeers: TLSPeers = {
    do {
        let dir = try makeTemporaryDirectory()
        let peer = try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/tlsd.py").path, dir])
        let object = try JSONValue.parse(Data(peer.banner.utf8)).objectValue ?? JSONObject()
        var ports: [String: Int] = [:]
        for (label, value) in object.pairs { if case .int(let p) = value { ports[label] = Int(p) } }
        return TLSPeers(peer: peer, directory: dir, ports: ports)
    } catch {
        preconditionFailure("cannot start the TLS test peers: \(error)")
    }
}()

/// Whether an attempt error is libcurl's report of a timeout ("Connection timed out after 300
/// milliseconds", "SSL connection timeout", "Operation timed out ...").
func isTimeout(_ error: String?) -> Bool {
    let text = (error ?? "").lowercased()
    return text.contains("timed out") || text.contains("timeout")
}

/// Runs blocking work (waiting for a process) on a Dispatch thread, so that it never holds one of
/// the few threads of Swift's cooperative pool that the timing-sensitive tests run on.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Waits (up to 20 s, so a loaded machine cannot fail the test) until `condition` holds; the
/// caller then checks it.
func waitUntil(_ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(60)  // returns as soon as it holds; the bound only ends a hang
    while !condition() && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
}
