import Foundation
import Testing
@testable import CheckupKit

@Suite struct FileSystemStorageTests {
    @Test func storeWritesACheckFileAndIndexAsTheOriginal() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir + "/nested/checks")  // created on demand
        let before = CheckResult.now()
        let name = try storage.storeFile([CheckResult(title: "Testing", timestamp: 0)])
        #expect(FileSystemStorage.isCheckFileName(name))
        let data = try #require(FileManager.default.contents(atPath: storage.path(name)))
        #expect(String(decoding: data, as: UTF8.self) == "[{\"title\":\"Testing\"}]\n")
        let index = try await storage.index()
        #expect(index.count == 1)
        let stored = try #require(index[name])
        #expect(stored >= before && stored - before < 1_000_000_000)
        let indexText = String(decoding: try #require(FileManager.default.contents(atPath: storage.path("index.json"))), as: UTF8.self)
        #expect(indexText == "{\"\(name)\":\(stored)}\n")
        #expect(try await storage.fetch(name) == [CheckResult(title: "Testing", timestamp: 0)])
    }

    @Test func fetchRefusesNamesThatAreNotCheckFiles() async throws {
        let storage = FileSystemStorage(directory: "/tmp")
        await #expect(throws: CheckupError(.storage, "../etc/passwd: not a check file name")) {
            try await storage.fetch("../etc/passwd")
        }
    }

    @Test func expiryDeletesOnlyOldCheckFiles() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let keep = FileSystemStorage(directory: dir)
        let start = CheckResult.now()
        let old = try keep.storeFile([CheckResult(title: "old")], at: start)
        try "notes".write(toFile: dir + "/README.txt", atomically: true, encoding: .utf8)
        try "[]".write(toFile: dir + "/100-check.json.bak", atomically: true, encoding: .utf8)
        try await keep.maintain()  // zero expiry keeps everything
        #expect(try await keep.index().keys.contains(old))

        let fresh = try keep.storeFile([CheckResult(title: "fresh")], at: start + 50_000_000)
        let expiring = FileSystemStorage(directory: dir, checkExpiry: .milliseconds(25))
        try expiring.maintain(now: start + 60_000_000)  // old is 60 ms old, fresh 10 ms
        let index = try await expiring.index()
        #expect(index.keys.sorted() == [fresh])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
        #expect(files == ["100-check.json.bak", fresh, "README.txt", "index.json"].sorted())
    }

    @Test func checkFilesMissingFromTheIndexAreAddedBack() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        try "[]\n".write(toFile: dir + "/1472688000123456789-check.json", atomically: true, encoding: .utf8)
        try "{not json".write(toFile: dir + "/index.json", atomically: true, encoding: .utf8)
        let name = try storage.storeFile([])
        let index = try await storage.index()
        #expect(index["1472688000123456789-check.json"] == 1_472_688_000_123_456_789)
        #expect(index[name] != nil && index.count == 2)
    }

    @Test func checkupStoresAndMaintainsThroughFS() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let checkup = Checkup(checkers: [HTTPChecker(name: "peer", url: peerURL("/"))],
                              storage: FileSystemStorage(directory: dir, checkExpiry: .seconds(3600)))
        try await checkup.checkAndStore()
        try await checkup.checkAndStore()
        let reader = FileSystemStorage(directory: dir)
        let index = try await reader.index()
        #expect(index.count == 2)
        for name in index.keys {
            let results = try await reader.fetch(name)
            #expect(results.map(\.title) == ["peer"] && results[0].status == .healthy)
        }
    }
}
