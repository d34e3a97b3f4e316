import Foundation
import Testing
@testable import CheckupKit

/// Hostile or odd HTTP peers: endless bodies, huge headers.
@Suite struct HTTPHardeningTests {
    @Test func anEndlessBodyIsNotReadWhenNoAssertionNeedsIt() async throws {
        // The peer sends its headers, then a byte every 50 ms for ever: without must_contain the
        // check is healthy as soon as the headers are in, long before the timeout.
        let result = try await HTTPChecker(name: "e", url: peerURL("/endless"), timeout: .seconds(20)).check()
        #expect(result.status == .healthy)
        #expect(result.times.first?.error == nil)
    }

    @Test func anEndlessBodyWithAnAssertionIsCutAtTheCapOrTheTimeout() async throws {
        let result = try await HTTPChecker(name: "e", url: peerURL("/endless"), mustContain: "never there",
                                           timeout: .milliseconds(600)).check()
        #expect(result.status == .down)
        #expect(isTimeout(result.times.first?.error))
    }

    @Test func theBodyCapIsEnforcedAndNamed() async throws {
        var request = HTTPChecker(name: "e", url: peerURL("/endless"), mustContain: "y").makeRequest()
        request.maxBodyBytes = 8
        let response = try await CurlEngine.shared.perform(request)
        #expect(!response.succeeded)
        #expect(response.errorMessage == "response body is larger than 8 bytes")
        #expect(TransferRequest.defaultMaxBodyBytes == 16 << 20)  // the README's figure
    }

    @Test func anOversizedHeaderIsNamedAsSuchNotOutOfMemory() async throws {
        let result = try await HTTPChecker(name: "big", url: peerURL("/bigheader/200")).check()
        #expect(result.status == .down)
        #expect(result.times.first?.error == "a response header is larger than 100 KiB")
        // One under the limit is fine.
        #expect(try await HTTPChecker(name: "ok", url: peerURL("/bigheader/90")).check().status == .healthy)
    }
}
