import Foundation
import Testing
@testable import CheckupKit

/// The engines' shared inbox: shutting an engine down ends what it holds and refuses what comes.
@Suite struct LoopInboxTests {
    @Test func aCurlEngineShutDownEndsItsTransfersAndRefusesNewOnes() async throws {
        let engine = CurlEngine()
        let hanging = Task { try await engine.perform(TransferRequest(url: peerURL("/hang"), timeout: .seconds(30))) }
        // Whether the thread took the transfer yet or not, it ends with CancellationError.
        try await Task.sleep(for: .milliseconds(100))
        let clock = ContinuousClock(), start = clock.now
        engine.shutDown()
        await #expect(throws: CancellationError.self) { try await hanging.value }
        #expect(clock.now - start < .seconds(20))  // a hang would be the 30 s timeout
        await #expect(throws: CancellationError.self) { try await engine.perform(TransferRequest(url: peerURL("/"))) }
        engine.shutDown()  // twice is harmless
    }

    @Test func aDNSResolverShutDownEndsItsQueriesAndRefusesNewOnes() async throws {
        let silent = SilentDNSServer()
        let resolver = DNSResolver()
        let query = DNSQuery(name: "www.test", type: 1, host: "127.0.0.1", port: UInt16(silent.port), timeout: .seconds(30))
        let waiting = Task { await resolver.exchange(query) }
        try await Task.sleep(for: .milliseconds(100))
        resolver.shutDown()
        #expect(await waiting.value.outcome == .cancelled)
        #expect(await resolver.exchange(query).outcome == .cancelled)
        withExtendedLifetime(silent) {}
    }

    @Test func aTransferCancelledBeforeItStartsEndsAtOnce() async throws {
        let engine = CurlEngine()
        defer { engine.shutDown() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await engine.perform(TransferRequest(url: peerURL("/hang"), timeout: .seconds(30)))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await engine.perform(TransferRequest(url: peerURL("/"))).status == 200)
    }
}
