import Foundation
import Testing
@testable import CheckupKit

/// `checkup incident …` through the built binary, on fs and on S3 (moto).
@Suite(.serialized) struct IncidentCLITests {
    static let checkers = #"[{"type":"tcp","endpoint_name":"Web","endpoint_url":"127.0.0.1:1"},{"type":"tcp","endpoint_name":"API","endpoint_url":"127.0.0.1:2"}]"#

    /// Opens, updates and resolves an incident in the project `dir` and checks what each step says.
    func lifecycle(in dir: String) throws -> String {
        let opened = try runCLI(["incident", "open", "-a", "Web, api", "--impact=major", "Checkout fails"], in: dir)
        #expect(opened.status == 0 && opened.stderr.isEmpty, "\(opened.stderr)")
        let id = String(opened.stdout.dropFirst("Opened incident ".count).prefix(13))
        #expect(opened.stdout == "Opened incident \(id)\n" && IncidentEvent.isIncidentID(id))
        #expect(try runCLI(["incident", "update", id, "--status=Monitoring", "Fixed, watching"], in: dir).stdout
                == "Updated incident \(id): monitoring\n")
        #expect(try runCLI(["incident", "resolve", id, "Over"], in: dir).stdout == "Resolved incident \(id)\n")
        let listed = try runCLI(["incident", "list"], in: dir)
        #expect(listed.status == 0 && listed.stdout == "\(id)  resolved  major  Web, API  Checkout fails\n")
        return id
    }

    @Test func lifecycleOnFSWritesOneObjectPerStep() async throws {
        let dir = try makeProject(checkers: Self.checkers)
        defer { removeDirectory(dir) }
        let id = try lifecycle(in: dir)
        let storage = FileSystemStorage(directory: dir + "/checks")
        let keys = try await storage.listStatusObjects("incidents")
        #expect(keys.count == 3 && keys.last == "incidents/\(id).json")
        #expect(try await incidentsView(storage).first?["status"] == .string("resolved"))
    }

    @Test func lifecycleOnS3() async throws {
        let bucket = try await s3Peer.bucket()
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let config = #"{"checkers":\#(Self.checkers),"storage":{"type":"s3","access_key_id":"\#(s3Peer.accessKeyID)","secret_access_key":"\#(s3Peer.secretAccessKey)","bucket":"\#(bucket.bucket)","endpoint":"\#(s3Peer.endpoint)"}}"#
        try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let id = try lifecycle(in: dir)
        #expect(try await bucket.listStatusObjects("incidents").count == 3)
        let view = try await incidentsView(bucket)
        #expect(view.first?["id"] == .string(id) && view.first?["updates"]?.arrayValue?.count == 3)
    }

    @Test(arguments: [
        (["incident", "open", "Text"], "checkup: incident open needs --about=TITLE[,TITLE...], the checkers' titles"),
        (["incident", "open", "--about=Nope", "Text"], #"checkup: incident open: no checker titled "Nope" in the config"#),
        (["incident", "open", "--about=Web", "--impact=huge", "Text"], "checkup: incident open: --impact=huge is not minor, major or critical"),
        (["incident", "update", "20261110-0000", "Text"], "checkup: incident update: --status= is not identified or monitoring (resolve with `checkup incident resolve ID TEXT`)"),
        (["incident", "update", "20261110-0000", "--status=resolved", "Text"], "checkup: incident update: --status=resolved is not identified or monitoring (resolve with `checkup incident resolve ID TEXT`)"),
        (["incident", "resolve", "20261110-0000", "Text"], "checkup: incident resolve: no incident 20261110-0000"),
        (["incident", "resolve", "../x", "Text"], #"checkup: incident resolve: "../x" is not an incident id (such as 20261202-7f3a)"#),
        (["incident", "resolve", "20261110-0000", "--impact=major", "Text"], "checkup: incident resolve takes no --impact"),
        (["incident", "close", "x"], #"checkup: incident "close" is not open, update, resolve or list"#),
        (["incident"], "checkup: incident needs open, update ID, resolve ID or list"),
    ])
    func badCommandsSayWhatIsWrongInOneLine(arguments: [String], line: String) throws {
        let dir = try makeProject(checkers: Self.checkers)
        defer { removeDirectory(dir) }
        let run = try runCLI(arguments, in: dir)
        #expect(run.status == 2 && run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").first.map(String.init) == line)
        #expect(!FileManager.default.fileExists(atPath: dir + "/checks/incidents"))
    }

    @Test func storageThatKeepsNoIncidentsIsAConfigError() throws {
        let dir = try makeProject(checkers: Self.checkers, storage: false)
        defer { removeDirectory(dir) }
        let run = try runCLI(["incident", "list"], in: dir)
        #expect(run.status == 1 && run.stderr == "checkup: no storage configured\n")
    }
}
