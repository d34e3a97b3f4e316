import Foundation
import Synchronization
import Testing
@testable import CheckupKit

/// A pinned instant, in UTC Unix nanoseconds.
func instant(_ text: String) -> Int64 {
    RFC3339.parse(text) ?? { preconditionFailure("not RFC 3339: \(text)") }()  // test literals only
}

/// The page's view of `storage`'s incidents, as `IncidentLog.publish` wrote it.
func incidentsView(_ storage: any SummaryStorage) async throws -> [JSONObject] {
    let data = try #require(try await storage.readSummaryObject(IncidentLog.pageKey)?.data)
    let doc = try #require(try JSONValue.parse(data).objectValue)
    #expect(doc["version"] == .int(1))
    return (doc["incidents"]?.arrayValue ?? []).compactMap(\.objectValue)
}

@Suite struct IncidentTests {
    let opened = instant("2026-11-10T09:00:00Z")

    @Test func incidentFoldsEventsInTimeOrderAndStaysResolvedOnceResolved() {
        let id = "20261110-00aa"
        let events = [
            IncidentEvent(incident: id, time: opened + 300, status: .resolved, text: "Fixed"),
            IncidentEvent(incident: id, time: opened - 5, status: .identified, text: "before the opening: a skewed clock"),
            IncidentEvent(incident: id, time: opened, status: .investigating, about: ["Web"], impact: .major, text: "Errors\nmore"),
            IncidentEvent(incident: id, time: opened + 100, status: .identified, text: "Found it"),
            IncidentEvent(incident: id, time: opened + 400, status: .monitoring, text: "a late update from another node"),
        ]
        let incident = try! #require(Incident(events: events))  // the opening is there
        #expect(incident.events.map(\.text) == ["Errors\nmore", "Found it", "Fixed", "a late update from another node"])
        #expect(incident.name == "Errors")
        #expect(incident.status == .resolved && incident.resolvedAt == opened + 300 && !incident.isOpen)
        #expect(incident.updatedAt == opened + 400 && incident.impact == .major && incident.about == ["Web"])
        // Updates whose opening is not (yet) stored make no incident.
        #expect(Incident(events: [events[0], events[3]]) == nil)
        let other = IncidentEvent(incident: "20261111-00bb", time: opened + 86_400_000_000_000, status: .investigating,
                                  about: ["API"], impact: .minor, text: "Slow")
        #expect(Incident.fold(events + [other]).map(\.id) == ["20261111-00bb", id])
    }

    @Test func incidentEventRoundTripsAndBadObjectsAreNamedErrors() throws {
        let event = IncidentEvent(incident: "20261110-00aa", time: opened + 123, status: .investigating,
                                  about: ["Web", "A \"quoted\" API"], impact: .critical, text: "<b>not markup</b>")
        #expect(try IncidentEvent(data: event.data, name: "x") == event)
        for (body, problem) in [("[]", "not a JSON object"), (#"{"incident":"../x"}"#, "incident: not an incident id"),
                                (#"{"incident":"20261110-00aa","time":"yesterday"}"#, "time: not an RFC 3339 time"),
                                (#"{"incident":"20261110-00aa","time":"2026-11-10T09:00:00Z","status":"fine"}"#, "status: not a status")] {
            #expect(throws: CheckupError(.format, "incidents/x.json: \(problem)")) {
                try IncidentEvent(data: Data(body.utf8), name: "incidents/x.json")
            }
        }
        #expect(IncidentEvent.isIncidentID("20261110-7f3a") && !IncidentEvent.isIncidentID("20261110-7F3A")
                && !IncidentEvent.isIncidentID("2026111-07f3a") && !IncidentEvent.isIncidentID("20261110-7f3a/"))
    }

    @Test func logWritesEveryStepAsANewObjectAndThePageViewFollows() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let log = IncidentLog(storage: storage)
        let id = try await log.open(about: ["Web"], impact: .major, text: "Checkout fails", at: opened) { 0x7f3a }
        #expect(id == "20261110-7f3a")
        try await log.update(id, status: .identified, text: "A bad deploy", at: opened + 60_000_000_000)
        // A second update at the same instant still lands after the first: the next free nanosecond.
        try await log.update(id, status: .monitoring, text: "Rolled back", at: opened + 60_000_000_000)
        try await log.resolve(id, text: "All well", at: opened + 3_600_000_000_000)
        #expect(try await storage.listStatusObjects("incidents") == [
            "incidents/\(id).\(opened + 60_000_000_000).json", "incidents/\(id).\(opened + 60_000_000_001).json",
            "incidents/\(id).\(opened + 3_600_000_000_000).json", "incidents/\(id).json"])
        let view = try await incidentsView(storage)
        #expect(view.count == 1)
        #expect(view.first?["status"] == .string("resolved") && view.first?["resolved"] == .string("2026-11-10T10:00:00Z"))
        #expect(view.first?["updates"]?.arrayValue?.compactMap { $0.objectValue?["status"]?.stringValue }
                == ["investigating", "identified", "monitoring", "resolved"])
        // Resolved is final; unknown and malformed ids are named.
        await #expect(throws: CheckupError(.usage, "incident update: incident \(id) is resolved; open a new one")) {
            try await log.update(id, status: .monitoring, text: "again", at: opened + 4_000_000_000_000)
        }
        await #expect(throws: CheckupError(.usage, "incident resolve: no incident 20261110-0000")) {
            try await log.resolve("20261110-0000", text: "x", at: opened)
        }
        await #expect(throws: CheckupError(.usage, #"incident update: "../../etc" is not an incident id (such as 20261202-7f3a)"#)) {
            try await log.update("../../etc", status: .identified, text: "x", at: opened)
        }
        await #expect(throws: CheckupError(.usage, "incident: the TEXT must not be empty")) {
            try await log.open(about: ["Web"], impact: .minor, text: " \n", at: opened)
        }
        #expect(try await storage.listStatusObjects("incidents").count == 4)
    }

    @Test func openDrawsAnotherIDWhileTheDrawnOneIsTaken() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let log = IncidentLog(storage: FileSystemStorage(directory: dir))
        let draws = Mutex([UInt16(0x0001), 0x0001, 0x0002])
        let random: @Sendable () -> UInt16 = { draws.withLock { $0.removeFirst() } }
        #expect(try await log.open(about: ["Web"], impact: .minor, text: "First", at: opened, random: random) == "20261110-0001")
        #expect(try await log.open(about: ["API"], impact: .minor, text: "Second", at: opened, random: random) == "20261110-0002")
        #expect(try await log.incident("20261110-0001")?.name == "First")
        #expect(try await log.incident("20261110-0002")?.name == "Second")
    }

    @Test func thePageKeepsOpenIncidentsAndAYearOfResolvedOnes() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let storage = FileSystemStorage(directory: dir)
        let log = IncidentLog(storage: storage)
        let day: Int64 = 86_400_000_000_000
        let old = try await log.open(about: ["Web"], impact: .minor, text: "Old", at: opened) { 1 }
        try await log.resolve(old, text: "Done", at: opened + day)
        let open = try await log.open(about: ["Web"], impact: .minor, text: "Still open", at: opened + 2 * day) { 2 }
        try await log.publish(at: opened + 367 * day)  // the old one was resolved 366 days before
        #expect(try await incidentsView(storage).compactMap { $0["id"]?.stringValue } == [open, old])
        try await log.publish(at: opened + 367 * day + 1)
        #expect(try await incidentsView(storage).compactMap { $0["id"]?.stringValue } == [open])
    }

    @Test(.timeLimit(.minutes(5))) func writersOnSeveralNodesLoseNoUpdateOnS3() async throws {
        let storage = try await s3Peer.bucket()
        let log = IncidentLog(storage: storage)
        let id = try await log.open(about: ["Web"], impact: .critical, text: "Down", at: opened) { 0xbeef }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in 0..<4 {
                group.addTask {
                    try await IncidentLog(storage: storage).update(id, status: .identified, text: "from node \(node)", at: opened + 1000)
                }
            }
            try await group.waitForAll()
        }
        let incident = try #require(try await log.incident(id))
        #expect(Set(incident.events.dropFirst().map(\.text)) == Set((0..<4).map { "from node \($0)" }))
        #expect(Set(incident.events.map(\.time)).count == 5)  // each its own object, its own instant
        let updates = try await incidentsView(storage).first?["updates"]?.arrayValue ?? []
        #expect(updates.count == 5)
    }
}
