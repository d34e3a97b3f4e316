import Foundation
import Testing
@testable import CheckupKit

/// The libcurl engine reuses a finished transfer's handle for the next one: nothing of the
/// last transfer (method, body, headers, limits) may carry over.
@Suite struct CurlEngineTests {
    @Test func aReusedHandleKeepsNothingOfTheLastTransfer() async throws {
        let engine = CurlEngine()
        defer { engine.shutDown() }
        // One at a time, so each transfer gets the handle the one before it left.
        var post = TransferRequest(url: peerURL("/echo"))
        post.method = "POST"
        post.body = Array("a\u{0}b".utf8)  // a NUL inside: copied by length, not as a C string
        post.headers = ["X-Carried: over"]
        post.captureBody = true
        let posted = try await engine.perform(post)
        #expect(posted.status == 200)
        #expect(posted.body == Array("POST\na\u{0}b".utf8))

        var get = TransferRequest(url: peerURL("/echo"))
        get.captureBody = true
        let echoed = try await engine.perform(get)
        let lines = String(decoding: echoed.body, as: UTF8.self)
        #expect(echoed.status == 200)
        #expect(lines.lowercased().contains("host: 127.0.0.1"), "\(lines)")  // GET /echo: the header lines
        #expect(!lines.lowercased().contains("x-carried"), "\(lines)")
        #expect(!lines.lowercased().contains("content-length"), "\(lines)")  // a GET with no body

        var head = TransferRequest(url: peerURL("/"))
        head.method = "HEAD"
        #expect(try await engine.perform(head).status == 200)
        var again = TransferRequest(url: peerURL("/"))
        again.captureBody = true
        #expect(String(decoding: try await engine.perform(again).body, as: UTF8.self) == "I'm up\n")

        // A failed transfer's message does not stay in the reused error buffer.
        let refused = try await engine.perform(TransferRequest(url: "http://127.0.0.1:\(closedPort())/"))
        #expect(!refused.succeeded && !refused.errorMessage.isEmpty)
        let fine = try await engine.perform(TransferRequest(url: peerURL("/")))
        #expect(fine.succeeded && fine.errorMessage.isEmpty && fine.status == 200)
    }

    @Test func manyTransfersAtOnceEachGetTheirOwnAnswer() async throws {
        let engine = CurlEngine()
        defer { engine.shutDown() }
        // More than the engine keeps spare, so handles are made, reused and freed.
        let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for i in 0..<300 {
                group.addTask { (i, try await engine.perform(TransferRequest(url: peerURL("/status/\(200 + i % 5)"))).status) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(statuses.count == 300)
        #expect(statuses.allSatisfy { $0.value == 200 + $0.key % 5 })
    }
}
