import Foundation
import Testing
@testable import CheckupKit

/// A project whose one checker is the heartbeat `nightly-backup` (every 1h, grace 5m), its fs
/// storage at `checks` (absolute), and `extra` top-level keys (such as a pinned timestamp).
private func heartbeatProject(checks: String, extra: String = "") throws -> String {
    let dir = try makeTemporaryDirectory()
    let config = #"{"checkers":[{"type":"heartbeat","endpoint_name":"nightly-backup","expect_every":"1h","grace":"5m"},"#
        + #"{"type":"tcp","endpoint_name":"db","endpoint_url":"127.0.0.1:1"}],"storage":{"type":"fs","dir":"\#(checks)"}\#(extra)}"#
    try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
    return dir
}

/// The results of one `checkup check NAME --format json` run in `dir`.
private func judged(_ dir: String, environment: [String: String] = [:]) throws -> CheckResult {
    let run = try runCLI(["check", "nightly-backup", "--format", "json"], in: dir, environment: environment)
    #expect(run.stderr.isEmpty, "\(run.stderr)")
    let results = try CheckResult.decodeCheckFile(Data(run.stdout.utf8))
    return try #require(results.first)
}

@Suite struct HeartbeatTests {
    let hour: Int64 = 3_600_000_000_000
    let checker = HeartbeatChecker(name: "nightly-backup", expectEvery: .seconds(3600), grace: .seconds(300))

    @Test func aHeartbeatIsOnTimeUntilExpectEveryPlusGraceAndDownOneNanosecondLater() {
        let pushed: Int64 = 1_790_000_000_000_000_000
        let beat = Heartbeat(name: "nightly-backup", timestamp: pushed, message: "3 GB")
        let limit = pushed + hour + 300_000_000_000
        let onTime = checker.judge(beat, at: limit)
        #expect(onTime.status == .healthy && onTime.notice.isEmpty && onTime.timestamp == limit)
        #expect(onTime.endpoint == "heartbeat:nightly-backup" && onTime.times.count == 1)
        let late = checker.judge(beat, at: limit + 1)
        #expect(late.status == .down)
        #expect(late.notice == "no heartbeat for 1h5m0s (expected every 1h0m0s, grace 5m0s); the last came at \(RFC3339.format(pushed))")
        #expect(late.times.first?.error == late.notice)
        let muchLater = checker.judge(beat, at: pushed + 26 * hour + 61_500_000_000)
        #expect(muchLater.notice.hasPrefix("no heartbeat for 26h1m1s "))
    }

    @Test func aFailedHeartbeatIsDownWithTheJobsMessageAndNoneAtAllIsDown() {
        let failed = Heartbeat(name: "nightly-backup", timestamp: 1_000, failed: true, message: "disk full")
        let result = checker.judge(failed, at: 2_000)
        #expect(result.status == .down && result.notice == "the job reported a failure at \(RFC3339.format(1_000)): disk full")
        let never = checker.judge(nil, at: 2_000)
        #expect(never.status == .down && never.notice == "no heartbeat yet (run checkup push nightly-backup when the job has run)")
        // Without a grace of its own, a minute.
        let noGrace = HeartbeatChecker(name: "job", expectEvery: .seconds(60))
        #expect(noGrace.judge(Heartbeat(name: "job", timestamp: 0), at: 120_000_000_000).status == .healthy)
        #expect(noGrace.judge(Heartbeat(name: "job", timestamp: 0), at: 120_000_000_001).status == .down)
    }

    @Test func configRoundTripsAndNeedsAPositiveExpectEvery() throws {
        let json = #"{"storage":{"type":"fs","dir":"/var/lib/checkup","url":""},"checkers":[{"type":"heartbeat","endpoint_name":"Nightly backup","expect_every":3600000000000,"grace":300000000000}],"timestamp":"0001-01-01T00:00:00Z"}"#
        let checkup = try Checkup(configData: Data(json.utf8), environment: [:])
        #expect(String(decoding: try checkup.configData(), as: UTF8.self) == json)
        #expect(checkup.checkers.first as? HeartbeatChecker == HeartbeatChecker(name: "Nightly backup", expectEvery: .seconds(3600), grace: .seconds(300)))
        for (checker, message) in [
            (#"{"type":"heartbeat","endpoint_name":"job"}"#, #"checkup.json: checkers[0].expect_every: is missing; say how often the job pushes, such as "1h""#),
            (#"{"type":"heartbeat","endpoint_name":"job","expect_every":"0s"}"#, #"checkup.json: checkers[0].expect_every: "0s" must be more than zero"#),
            (#"{"type":"heartbeat","expect_every":"1h"}"#, "checkup.json: checkers[0].endpoint_name: is missing; it is required"),
        ] {
            let config = #"{"checkers":[\#(checker)],"storage":{"type":"fs","dir":"d"}}"#
            #expect(throws: CheckupError.self) { try Checkup(configData: Data(config.utf8), environment: [:]) }
            do { _ = try Checkup(configData: Data(config.utf8), environment: [:]) } catch let error as CheckupError {
                #expect(error.message == message)
            }
        }
    }

    @Test func keysAreSafeFileNamesAndNamesWithOtherCharactersStayApart() throws {
        #expect(CheckerObjectKey.heartbeat("nightly-backup") == "heartbeats/nightly-backup.json")
        let spaced = CheckerObjectKey.heartbeat("Nightly backup"), underscored = CheckerObjectKey.heartbeat("Nightly_backup")
        #expect(spaced.hasPrefix("heartbeats/Nightly_backup-") && spaced != underscored)
        for key in [spaced, CheckerObjectKey.heartbeat("../../etc/passwd"), CheckerObjectKey.heartbeat(".hidden"), CheckerObjectKey.rdap("Example.COM")] {
            try CheckerObjectKey.check(key)
        }
        #expect(CheckerObjectKey.rdap("Example.COM") == "rdap/example.com.json")
        for bad in ["heartbeats/../x.json", "summaries/a.json", "heartbeats/a/b.json", "heartbeats/.json", "heartbeats/a b.json"] {
            #expect(throws: CheckupError.self) { try CheckerObjectKey.check(bad) }
        }
    }

    @Test func pushedFromOneProcessAndJudgedByAnotherOnFS() throws {
        let checks = try makeTemporaryDirectory()
        let job = try heartbeatProject(checks: checks)
        defer { removeDirectory(checks); removeDirectory(job) }
        let push = try runCLI(["push", "Nightly-Backup", "-m", "3 GB"], in: job)
        #expect(push.status == 0 && push.stdout == "Heartbeat stored for nightly-backup\n" && push.stderr.isEmpty, "\(push.stderr)")
        let stored = try Heartbeat(data: try #require(FileManager.default.contents(atPath: checks + "/heartbeats/nightly-backup.json")), key: "")
        #expect(stored.name == "nightly-backup" && stored.message == "3 GB" && !stored.failed && !stored.origin.isEmpty)
        #expect(checkFiles(checks).isEmpty)  // a push stores no round

        // Another node judges at pinned times: 30 minutes after, on time; 1h5m1s after, down.
        for (offset, status, notice) in [(Int64(1800), Status.healthy, ""),
                                         (3901, .down, "no heartbeat for 1h5m1s (expected every 1h0m0s, grace 5m0s); the last came at \(RFC3339.format(stored.timestamp))")] {
            let node = try heartbeatProject(checks: checks, extra: #","timestamp":"\#(RFC3339.format(stored.timestamp + offset * 1_000_000_000))","origin":"judge""#)
            defer { removeDirectory(node) }
            let result = try judged(node)
            #expect(result.status == status && result.notice == notice && result.origin == "judge")
            // --store judges it in the round it stores (and the tcp checker beside it runs as ever).
            let round = try runCLI(["--store", "--format", "json"], in: node)
            #expect(round.status == 0, "\(round.stderr)")
            let results = try CheckResult.decodeCheckFile(Data(round.stdout.utf8))
            #expect(results.map(\.title) == ["nightly-backup", "db"] && results[0].status == status)
        }
        #expect(checkFiles(checks).count == 2)

        // The job fails: down with its message until the next push, which is healthy again.
        #expect(try runCLI(["push", "nightly-backup", "--fail", "--message", "disk full"], in: job).stdout == "Heartbeat stored for nightly-backup (failed)\n")
        let failed = try judged(job)
        #expect(failed.status == .down && failed.notice.hasPrefix("the job reported a failure at ") && failed.notice.hasSuffix(": disk full"))
        #expect(try runCLI(["push", "nightly-backup"], in: job).status == 0)
        #expect(try judged(job).status == .healthy)
    }

    @Test func anEveryNodeJudgesAHeartbeatAnotherProcessPushed() async throws {
        let checks = try makeTemporaryDirectory()
        let job = try heartbeatProject(checks: checks), node = try heartbeatProject(checks: checks, extra: #","origin":"watcher""#)
        defer { removeDirectory(checks); removeDirectory(job); removeDirectory(node) }
        let push = try await offPool { try runCLI(["push", "nightly-backup", "--fail", "-m", "exit 3"], in: job) }
        #expect(push.status == 0, "\(push.stderr)")
        let every = Process()
        every.executableURL = URL(fileURLWithPath: checkupBinary)
        every.arguments = ["every", "1s"]
        every.currentDirectoryURL = URL(fileURLWithPath: node)
        every.standardOutput = FileHandle.nullDevice
        every.standardError = FileHandle.nullDevice
        try every.run()
        try await waitUntil { !checkFiles(checks).isEmpty }
        every.terminate()
        try await offPool { every.waitUntilExit() }
        let file = try #require(checkFiles(checks).first)
        let results = try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: checks + "/" + file)))
        let heartbeat = try #require(results.first { $0.title == "nightly-backup" })
        #expect(heartbeat.status == .down && heartbeat.origin == "watcher" && heartbeat.notice.hasSuffix(": exit 3"))
    }

    @Test func pushRefusesWhatItCannotStoreInOneLine() async throws {
        let checks = try makeTemporaryDirectory()
        let job = try heartbeatProject(checks: checks)
        defer { removeDirectory(checks); removeDirectory(job) }
        for (arguments, status, line) in [
            (["push", "db"], Int32(2), #"checkup: push: "db" is a tcp checker, not a heartbeat checker"#),
            (["push", "nope"], 2, #"checkup: no checker named "nope"; the checkers are "nightly-backup", "db""#),
            (["push", "nightly-backup", "-m", String(repeating: "x", count: 1001)], 2, "checkup: push: --message is 1001 characters, more than 1000"),
            (["push", "nightly-backup", "-m", "a\nb"], 2, "checkup: push: --message contains a line break (CR or LF)"),
            (["push"], 2, "checkup: push needs exactly one NAME, the heartbeat checker's name (quote it)"),
        ] {
            let run = try runCLI(arguments, in: job)
            #expect(run.status == status && run.stderr.split(separator: "\n").first.map(String.init) == line, "\(run.stderr)")
        }
        let noStorage = try makeProject(checkers: #"[{"type":"heartbeat","endpoint_name":"job","expect_every":"1h"}]"#, storage: false)
        defer { removeDirectory(noStorage) }
        let line = "checkup: checkup.json: checkers[0]: a heartbeat checker needs a storage: checkup push writes its heartbeats into the store\n"
        for arguments in [["push", "job"], ["check", "job"]] {
            let run = try runCLI(arguments, in: noStorage)
            #expect(run.status == 1 && run.stderr == line, "\(run.stderr)")
        }
        #expect(try runCLI(["validate"], in: noStorage).stdout.hasPrefix(String(line.dropFirst("checkup: ".count))))
        // Made in code, without a config, it says so when it runs.
        await #expect(throws: CheckupError.self) { _ = try await HeartbeatChecker(name: "job", expectEvery: .seconds(60)).check() }
    }
}

@Suite(.serialized) struct S3HeartbeatTests {
    @Test func aProvisionedPushKeyMayWriteHeartbeatsOnlyAndAnotherNodeJudgesThem() async throws {
        let admin = try await s3Peer.bucket()
        let pusher = try await admin.provisionHeartbeatPusher()
        #expect(pusher.username == S3Storage.heartbeatUserName && pusher.publicAccessKeyID.hasPrefix("AKIA"))
        func project(_ key: String, _ secret: String) throws -> String {
            let dir = try makeTemporaryDirectory()
            let config = #"{"checkers":[{"type":"heartbeat","endpoint_name":"nightly-backup","expect_every":"1h"}],"#
                + #""storage":{"type":"s3","access_key_id":"${KEY}","secret_access_key":"${SECRET}","bucket":"\#(admin.bucket)","region":"us-east-1","endpoint":"\#(s3Peer.endpoint)"}}"#
            try config.write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
            return dir
        }
        let job = try project(pusher.publicAccessKeyID, pusher.publicAccessKey)
        let node = try project(s3Peer.accessKeyID, s3Peer.secretAccessKey)
        defer { removeDirectory(job); removeDirectory(node) }
        let jobKeys = ["KEY": pusher.publicAccessKeyID, "SECRET": pusher.publicAccessKey]
        let nodeKeys = ["KEY": s3Peer.accessKeyID, "SECRET": s3Peer.secretAccessKey]

        let never = try await offPool { try judged(node, environment: nodeKeys) }
        #expect(never.status == .down && never.notice.hasPrefix("no heartbeat yet"))
        let push = try await offPool { try runCLI(["push", "nightly-backup", "--fail", "-m", "exit 3"], in: job, environment: jobKeys) }
        #expect(push.status == 0, "\(push.stderr)")
        let failed = try await offPool { try judged(node, environment: nodeKeys) }
        #expect(failed.status == .down && failed.notice.hasSuffix(": exit 3"))
        #expect(try await offPool { try runCLI(["push", "nightly-backup"], in: job, environment: jobKeys) }.status == 0)
        #expect(try await offPool { try judged(node, environment: nodeKeys) }.status == .healthy)

        // The push key can do nothing else: not store a round, not read, not write beside heartbeats/.
        var jobStorage = admin
        jobStorage.accessKeyID = pusher.publicAccessKeyID
        jobStorage.secretAccessKey = pusher.publicAccessKey
        do {
            try await jobStorage.storeFile([])
            Issue.record("the push key stored a round")
        } catch let error as CheckupError {
            #expect(error.message.hasSuffix("403 AccessDenied"), "\(error.message)")
        }
        await #expect(throws: CheckupError.self) { _ = try await jobStorage.readCheckerObject(CheckerObjectKey.heartbeat("nightly-backup")) }
        await #expect(throws: CheckupError.self) { try await jobStorage.writeCheckerObject(CheckerObjectKey.rdap("example.com"), Data("{}".utf8)) }
        await #expect(throws: CheckupError.self) { try await jobStorage.client().putObject("index.html", body: [0x3C]) }
        // IAM allows two keys per user, and the next test provisions again.
        try await IAMClient(credentials: try admin.client().credentials, endpoint: s3Peer.endpoint)
            .deleteAccessKey(S3Storage.heartbeatUserName, id: pusher.publicAccessKeyID)
    }

    @Test func provisionHeartbeatCommandPrintsTheKeyAndItsLimits() async throws {
        let dir = try makeProject(checkers: "[]", storage: false)
        defer { removeDirectory(dir) }
        let environment = ["AWS_ACCESS_KEY_ID": s3Peer.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3Peer.secretAccessKey,
                           "AWS_BUCKET_NAME": "heartbeat-cli", "AWS_ENDPOINT_URL": s3Peer.endpoint]
        let run = try await offPool { try runCLI(["provision", "s3", "--heartbeat"], in: dir, environment: environment) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("One sec...\nProvision successful\n\n           User ID: "))
        #expect(run.stdout.contains("\nPush Access Key ID: AKIA"))
        #expect(run.stdout.contains("may only put objects under heartbeats/ in bucket heartbeat-cli"))
        #expect(!run.stdout.contains(s3Peer.secretAccessKey))
        let id = run.stdout.split(separator: "\n").first { $0.contains("Push Access Key ID:") }.map { String($0.split(separator: " ").last ?? "") } ?? ""
        let iam = IAMClient(credentials: .init(accessKeyID: s3Peer.accessKeyID, secretAccessKey: s3Peer.secretAccessKey), endpoint: s3Peer.endpoint)
        try await iam.deleteAccessKey(S3Storage.heartbeatUserName, id: id)
    }
}
