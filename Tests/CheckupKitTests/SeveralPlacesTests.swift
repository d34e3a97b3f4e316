import Foundation
import Testing
@testable import CheckupKit

/// Checking from several places: three real `checkup` processes (alpha, beta, gamma) store into
/// one directory. gamma cannot reach the target: it runs under `unshare -m` with a private
/// /etc/hosts that maps the target's name to an unused loopback address.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SeveralPlacesTests {
    static let places = ["alpha", "beta", "gamma"]

    /// A project whose three nodes check `http://target.test:PORT/`; gamma's target.test is
    /// 127.0.0.9 (nothing listens there) unless `gammaReaches`.
    /// `storage` is the nodes' storage JSON (default: fs in the project's `checks`).
    func makeNodes(port: Int, extra: String = "", gammaReaches: Bool = false, gammaExtra: String = "",
                   storage: String? = nil) throws -> String {
        let dir = try makeTemporaryDirectory()
        for origin in Self.places {
            try #"{"checkers":[{"type":"http","endpoint_name":"Web","endpoint_url":"http://target.test:\#(port)/","timeout":"2s"}],"storage":\#(storage ?? #"{"type":"fs","dir":"\#(dir)/checks"}"#),"origin":"\#(origin)","location":"\#(origin.capitalized) City"\#(extra)\#(origin == "gamma" ? gammaExtra : "")}"#
                .write(toFile: "\(dir)/\(origin).json", atomically: true, encoding: .utf8)
            let address = origin == "gamma" && !gammaReaches ? "127.0.0.9" : "127.0.0.1"
            try "127.0.0.1 localhost\n\(address) target.test\n\(address) canary.test\n".write(toFile: "\(dir)/\(origin).hosts", atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// One `checkup --store` of `origin`, with its own /etc/hosts.
    func store(_ origin: String, in dir: String) async throws -> CLIRun {
        try await offPool {
            try runProgram("/usr/bin/unshare", ["-m", "/bin/sh", "-c", #"mount --bind "$1" /etc/hosts && exec "$2" --store -c "$3""#, "sh",
                                                "\(dir)/\(origin).hosts", checkupBinary, "\(dir)/\(origin).json"])
        }
    }

    func summary(_ origin: String, in dir: String) throws -> StatusSummary {
        let data = try #require(FileManager.default.contents(atPath: "\(dir)/checks/summaries/\(origin).json"))
        return try StatusSummary(jsonData: data, name: origin)
    }

    @Test(arguments: ["fs", "s3"])
    func oneNodeThatCannotReachTheTargetMakesItDegradedNotDown(kind: String) async throws {
        var target: Peer? = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let bucket = kind == "s3" ? try await s3Peer.bucket() : nil
        let s3JSON = bucket.map { #"{"type":"s3","access_key_id":"\#($0.accessKeyID)","secret_access_key":"\#($0.secretAccessKey)","bucket":"\#($0.bucket)","endpoint":"\#($0.endpoint)"}"# }
        let dir = try makeNodes(port: try #require(target?.port), storage: s3JSON)
        defer { removeDirectory(dir) }
        let shared: any SummaryStorage & StorageReader = bucket ?? FileSystemStorage(directory: dir + "/checks")
        func summary(_ origin: String, in _: String) async throws -> StatusSummary {
            try #require(try await StatusSummaries(storage: shared, origin: origin).load(), "\(origin)")
        }

        var runs: [String: CLIRun] = [:], logs: [String: String] = [:]
        for _ in 0..<2 {
            for origin in Self.places {
                runs[origin] = try await store(origin, in: dir)
                logs[origin, default: ""] += runs[origin]?.stderr ?? ""
            }
        }
        #expect(runs["alpha"]?.status == 0 && runs["beta"]?.status == 0, "\(runs)")
        // Every stored result carries its origin.
        var origins: [String] = []
        for name in try await shared.index().keys { origins += try await shared.fetch(name).map(\.origin) }
        #expect(origins.count == 6 && Set(origins) == Set(Self.places))
        // Each node's newest verdict: degraded, down from 1 of 3 locations, naming gamma.
        for origin in Self.places {
            let verdict = try #require(try await summary(origin, in: dir).verdicts.first { $0.title == "Web" }, "\(origin)")
            #expect(verdict.last?.state == .degraded, "\(origin)")
            #expect(verdict.votes.map(\.origin) == Self.places && verdict.votes.map(\.state) == [.healthy, .healthy, .down])
            let reason = try #require(verdict.events.last?.reason)
            #expect(reason.hasPrefix("down from 1 of 3 locations (gamma: "), "\(reason)")
        }
        #expect(try await summary("gamma", in: dir).location == "Gamma City")
        // gamma's own results are down; it says so for itself, and logs the verdict, not an outage.
        #expect(try await summary("gamma", in: dir).endpoints.first?.last?.state == .down)
        #expect(logs["gamma"]?.contains("verdict: Web is degraded (down from 1 of 3 locations (gamma: ") == true, "\(logs)")

        // The target stops for everyone: down from 3 of 3, and the change is logged.
        target = nil
        for origin in Self.places { runs[origin] = try await store(origin, in: dir) }
        for origin in Self.places {
            #expect(try await summary(origin, in: dir).verdicts.first?.last?.state == .down, "\(origin)")
        }
        #expect(runs["gamma"]?.stderr.contains("verdict: Web is down (down from 3 of 3 locations") == true, "\(runs["gamma"]?.stderr ?? "")")
        withExtendedLifetime(target) {}
    }

    @Test func staleOriginsDoNotVote() async throws {
        let target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        // A latest round counts for a millisecond: by the time the next node runs, the others
        // are stale, and each decides from itself alone.
        let dir = try makeNodes(port: target.port, extra: #","stale_after":"1ms""#)
        defer { removeDirectory(dir) }
        for _ in 0..<2 {
            for origin in Self.places { _ = try await store(origin, in: dir) }
        }
        let alpha = try #require(try summary("alpha", in: dir).verdicts.first)
        #expect(alpha.last?.state == .healthy && alpha.votes.map(\.origin) == ["alpha"])
        let gamma = try #require(try summary("gamma", in: dir).verdicts.first)
        #expect(gamma.last?.state == .down && gamma.votes.map(\.origin) == ["gamma"])
        withExtendedLifetime(target) {}
    }

    /// The kinds and states of the alerts the webhook received under `key`, in order.
    func alerts(_ key: String) async throws -> [String] {
        try await hooks(key).map { hook in
            let body = try hookBody(hook)
            return "\(body["kind"]?.stringValue ?? "?") \(body["status"]?.stringValue ?? "?")"
        }
    }

    @Test func eachAlertIsSentOnceAcrossTheNodesAndNoneForOneNodesTrouble() async throws {
        var target: Peer? = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let key = "places-\(UInt32.random(in: 0...UInt32.max))"
        let hook = #","notifiers":[{"type":"webhook","url":"\#(peerURL("/hook/" + key))"}]"#
        let port = try #require(target?.port)

        // Only gamma fails: degraded, and no "down" alert from anyone.
        let partial = try makeNodes(port: port, extra: hook)
        defer { removeDirectory(partial) }
        for _ in 0..<2 { for origin in Self.places { _ = try await store(origin, in: partial) } }
        let partialAlerts = try await alerts(key)
        #expect(partialAlerts.filter { $0.hasSuffix(" down") }.isEmpty, "\(partialAlerts)")

        // All three reach it; it stops for everyone, then comes back: one "down", one "resolved".
        let key2 = key + "-all"
        let all = try makeNodes(port: port, extra: hook.replacingOccurrences(of: key, with: key2), gammaReaches: true)
        defer { removeDirectory(all) }
        var logs = ""
        for origin in Self.places { logs += try await store(origin, in: all).stderr }
        #expect(try await alerts(key2).isEmpty)
        target = nil
        for _ in 0..<2 { for origin in Self.places { logs += try await store(origin, in: all).stderr } }
        #expect(try await alerts(key2) == ["problem down"], "\(logs)")
        #expect(logs.contains("webhook: Web is DOWN was sent by "), "\(logs)")
        target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path,
                                                                "--port", String(port)]) }
        for _ in 0..<2 { for origin in Self.places { logs += try await store(origin, in: all).stderr } }
        #expect(try await alerts(key2) == ["problem down", "resolved healthy"], "\(logs)")
        withExtendedLifetime(target) {}
    }

    @Test func aNodeWhoseCanaryFailsDoesNotVote() async throws {
        let target = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        // gamma's own network is out (its canary, like its target, is unreachable): it abstains.
        let canary = #","canary":[{"type":"http","endpoint_name":"uplink","endpoint_url":"http://canary.test:\#(target.port)/","timeout":"2s"}]"#
        let dir = try makeNodes(port: target.port, gammaExtra: canary)
        defer { removeDirectory(dir) }
        for _ in 0..<2 { for origin in Self.places { _ = try await store(origin, in: dir) } }
        for origin in Self.places {
            let verdict = try #require(try summary(origin, in: dir).verdicts.first, "\(origin)")
            #expect(verdict.last?.state == .healthy && verdict.votes.map(\.origin) == ["alpha", "beta"], "\(origin)")
        }
        let gamma = try summary("gamma", in: dir)
        #expect(gamma.abstain == "canary uplink is down", "\(gamma.abstain)")
        // Its own results are stored, marked.
        let stored = try checkFiles(dir + "/checks").compactMap { name -> CheckResult? in
            try CheckResult.decodeCheckFile(try #require(FileManager.default.contents(atPath: "\(dir)/checks/\(name)"))).first { $0.origin == "gamma" }
        }
        #expect(stored.count == 2 && stored.allSatisfy { $0.down && $0.notice == "not voting: this node's canary uplink is down" })
        withExtendedLifetime(target) {}
    }

    @Test func withoutConditionalWritesTheAlphabeticallyFirstFreshOriginSends() async throws {
        // moto behind a proxy that answers every conditional PutObject with 501, as S3-compatible
        // stores without conditional writes do: claims cannot settle it.
        let moto = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3d.py").path, "--no-auth"]) }
        guard case .int(let motoPort)? = try JSONValue.parse(Data(moto.banner.utf8)).objectValue?["port"] else {
            throw CheckupError(.service, "s3d.py said: \(moto.banner)")
        }
        let proxy = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3proxy.py").path,
                                                                   String(motoPort), "501"]) }
        let bucket = S3Storage(accessKeyID: "AKIDTEST", secretAccessKey: "secret", bucket: "places-501", endpoint: "http://127.0.0.1:\(proxy.port)")
        try await bucket.client().createBucket()
        var target: Peer? = try await offPool { try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/httpd.py").path]) }
        let key = "places-501-\(UInt32.random(in: 0...UInt32.max))"
        let storage = #"{"type":"s3","access_key_id":"AKIDTEST","secret_access_key":"secret","bucket":"places-501","endpoint":"\#(bucket.endpoint)"}"#
        let dir = try makeNodes(port: try #require(target?.port), extra: #","notifiers":[{"type":"webhook","url":"\#(peerURL("/hook/" + key))"}]"#,
                                gammaReaches: true, storage: storage)
        defer { removeDirectory(dir) }
        var logs = ""
        for origin in Self.places { logs += try await store(origin, in: dir).stderr }
        target = nil
        for _ in 0..<2 { for origin in Self.places { logs += try await store(origin, in: dir).stderr } }
        #expect(try await alerts(key) == ["problem down"], "\(logs)")
        #expect(logs.contains("webhook: Web is DOWN was sent by alpha"), "\(logs)")
        withExtendedLifetime((moto, proxy, target)) {}
    }
}
