import Foundation
import Synchronization
import Testing
@testable import CheckupKit

/// Rounds are never lost while S3 is down: they wait in the spool and go up in order, once.
@Suite struct SpoolTests {
    /// A checkup storing into `storage` (its spool in `spool`), one healthy checker, logging to `lines`.
    func checkup(_ storage: S3Storage, spool: String, log: LogSink) -> Checkup {
        var storage = storage
        storage.spoolDirectory = spool
        var checkup = Checkup(checkers: [HTTPChecker(name: "Web", url: peerURL("/"))], storage: storage, log: log)
        checkup.origin = "spooler"
        return checkup
    }

    @Test func roundsWaitWhileTheStoreIsDownAndGoUpInOrderExactlyOnce() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let good = try await s3Peer.bucket()
        let lines = Mutex([String]())
        let log = LogSink { l in lines.withLock { $0.append(l) } }
        // Down: connections refused, then a server answering 501 to every PUT (httpd has no PUT).
        var refused = good
        refused.endpoint = "http://127.0.0.1:\(closedPort())"
        var failing = good
        failing.endpoint = "http://127.0.0.1:\(httpPeer.port)"
        var stored: [[CheckResult]] = []
        for storage in [refused, failing, refused] {
            stored.append(try await checkup(storage, spool: dir, log: log).checkAndStore())
        }
        let spool = Spool(directory: dir)
        #expect(spool.names().count == 3)
        #expect(try await good.index().isEmpty)
        let logged = lines.withLock { $0 }
        #expect(logged.count == 3, "\(logged)")
        #expect(logged.first?.hasSuffix("Couldn't connect to server; it waits in the spool \(dir)") == true, "\(logged)")
        #expect(logged.dropFirst().first?.hasSuffix(": 501 Not Implemented; 2 rounds wait in the spool \(dir)") == true, "\(logged)")

        // One of them did reach the store, but its answer was lost: it must not be stored twice.
        let first = try #require(spool.names().first)
        try await good.client().putObject(first, body: [UInt8](try #require(spool.entry(first)).data))

        // Back: the next round uploads the three waiting ones first, then itself.
        stored.append(try await checkup(good, spool: dir, log: log).checkAndStore())
        #expect(spool.isEmpty)
        let keys = try await good.index().keys.sorted {
            (FileSystemStorage.prefixTime($0), $0) < (FileSystemStorage.prefixTime($1), $1)
        }
        #expect(keys.count == 4)
        var found: [[CheckResult]] = []
        for key in keys { found.append(try await good.fetch(key)) }
        #expect(found == stored)  // every round once, in order, byte for byte as checked
        #expect(lines.withLock { $0.last } == "stored 4 waiting rounds from the spool \(dir)")
        // And the summary counts each once.
        let summary = try #require(try await StatusSummaries(storage: good, origin: "spooler").load())
        #expect(summary.endpoints.first?.recent.count == 4)
    }

    @Test func aFullSpoolDropsTheOldestAndSaysSo() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let spool = Spool(directory: dir, maxRounds: 3)
        var dropped: [String] = []
        for stamp in Int64(1)...5 { dropped += try spool.add(Data("[]".utf8), stamp: stamp * 1_000).dropped }
        #expect(spool.names() == ["3000-check.json", "4000-check.json", "5000-check.json"])
        #expect(dropped == ["1000-check.json", "2000-check.json"])
        // A round from before the oldest kept one is dropped at once, as the oldest.
        #expect(try spool.add(Data("[]".utf8), stamp: 500).dropped == ["500-check.json"])
    }

    @Test func theDefaultFolderIsPerBucketAndNeverLeavesIt() {
        #expect(Spool.defaultDirectory(bucket: "status", environment: ["HOME": "/home/op"]) == "/home/op/.local/state/checkup/spool/status")
        #expect(Spool.defaultDirectory(bucket: "status", environment: ["XDG_STATE_HOME": "/state", "HOME": "/h"]) == "/state/checkup/spool/status")
        #expect(Spool.defaultDirectory(bucket: "../etc", environment: [:]) == "/var/tmp/checkup/spool/_.._etc")
    }
}
