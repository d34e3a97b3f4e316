import Foundation
import Testing
@testable import CheckupKit

/// moto's S3 and IAM server with signature checking on (testdata/peers/s3d.py).
struct S3Peer: Sendable {
    let peer: Peer
    let port: Int
    let accessKeyID: String
    let secretAccessKey: String
    var endpoint: String { "http://127.0.0.1:\(port)" }

    func storage(bucket: String, secret: String? = nil, expiry: Duration = .zero) -> S3Storage {
        S3Storage(accessKeyID: accessKeyID, secretAccessKey: secret ?? secretAccessKey, region: "us-east-1",
                  bucket: bucket, checkExpiry: expiry, endpoint: endpoint)
    }

    /// A new, empty bucket.
    func bucket() async throws -> S3Storage {
        let storage = storage(bucket: "checkup-\(UUID().uuidString.lowercased().prefix(12))")
        try await storage.client().createBucket()
        return storage
    }
}

let s3Peer: S3Peer = {
    do {
        let peer = try Peer("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("testdata/peers/s3d.py").path])
        let o = try JSONValue.parse(Data(peer.banner.utf8)).objectValue ?? JSONObject()
        guard case .int(let port)? = o["port"], let key = o["access_key_id"]?.stringValue,
              let secret = o["secret_access_key"]?.stringValue else {
            throw CheckupError(.service, "s3d.py said: \(peer.banner)")
        }
        return S3Peer(peer: peer, port: Int(port), accessKeyID: key, secretAccessKey: secret)
    } catch {
        preconditionFailure("cannot start the S3 test peer: \(error)")
    }
}()

@Suite(.serialized) struct S3StorageTests {
    @Test func storeWritesTheSameBytesAsFSAndReadsBack() async throws {
        let storage = try await s3Peer.bucket()
        let results = [CheckResult(title: "Testing", timestamp: 7, times: [Attempt(rtt: .milliseconds(3))], healthy: true)]
        let before = CheckResult.now()
        let key = try await storage.storeFile(results)
        #expect(FileSystemStorage.isCheckFileName(key))
        #expect(Int64(key.prefix { $0.isNumber })! - before < 5_000_000_000)  // digits, checked above
        let body = try await storage.client().getObject(key)
        #expect(Data(body) == CheckResult.checkFileData(results))
        #expect(try await storage.fetch(key) == results)
        #expect(try await storage.index().keys.sorted() == [key])
    }

    @Test func wrongSecretIsRejectedWithAClearErrorThatHidesTheSecret() async throws {
        let good = try await s3Peer.bucket()
        let bad = s3Peer.storage(bucket: good.bucket, secret: "not-the-secret-at-all")
        do {
            try await bad.store([])
            Issue.record("a wrong secret was accepted")
        } catch let error as CheckupError {
            #expect(error.message.hasPrefix("S3 PutObject \(good.bucket)/"))
            #expect(error.message.hasSuffix("-check.json: 403 SignatureDoesNotMatch"))
            #expect(!error.message.contains("not-the-secret") && !error.message.contains(s3Peer.secretAccessKey))
        }
    }

    @Test func listingFollowsContinuationPastAThousandKeys() async throws {
        let storage = try await s3Peer.bucket()
        let client = try storage.client()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<1010 {
                if i >= 40 { try await group.next() }
                group.addTask { try await client.putObject(String(format: "%019d-check.json", i + 1), body: Array("[]\n".utf8)) }
            }
            try await group.waitForAll()
        }
        #expect(try await storage.index().count == 1010)
    }

    @Test func expiryDeletesExactlyTheOldCheckFiles() async throws {
        let storage = try await s3Peer.bucket()
        let client = try storage.client()
        var old: [String] = []
        for _ in 0..<3 { old.append(try await storage.storeFile([])) }
        try await client.putObject("notes.txt", body: Array("keep me".utf8), contentType: "text/plain")
        try await Task.sleep(for: .milliseconds(2300))
        let fresh = try await storage.storeFile([])
        var expiring = storage
        expiring.checkExpiry = .milliseconds(1500)
        try await expiring.maintain()
        let left = try await client.listObjects().map(\.key).sorted()
        #expect(left == [fresh, "notes.txt"].sorted())
    }

    @Test func checkupStoresIntoS3AndTheConfigKeysRoundTrip() async throws {
        let storage = try await s3Peer.bucket()
        let checkup = Checkup(checkers: [HTTPChecker(name: "peer", url: peerURL("/"))], storage: storage)
        try await checkup.checkAndStore()
        #expect(try await storage.index().count == 1)

        let json = #"{"storage":{"type":"s3","access_key_id":"$KEY","secret_access_key":"${SECRET}","region":"eu-west-1","bucket":"b","check_expiry":86400000000000,"endpoint":"http://127.0.0.1:9000","path_style":true},"timestamp":"0001-01-01T00:00:00Z"}"#
        let loaded = try Checkup(configData: Data(json.utf8), environment: ["KEY": "AKID", "SECRET": "shh"])
        let s3 = try #require(loaded.storage as? S3Storage)
        #expect(s3.accessKeyID == "AKID" && s3.secretAccessKey == "shh" && s3.pathStyle == true)
        let plain = #"{"storage":{"type":"s3","access_key_id":"","secret_access_key":"","bucket":"b"},"timestamp":"0001-01-01T00:00:00Z"}"#
        #expect(String(decoding: try Checkup(configData: Data(plain.utf8), environment: [:]).configData(), as: UTF8.self) == plain)
    }

    @Test func serveReadsTheStatusPageDataFromS3() async throws {
        let storage = try await s3Peer.bucket()
        let key = try await storage.storeFile([CheckResult(title: "from s3", timestamp: 5, healthy: true)])
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        try #"{"storage":{"type":"s3","access_key_id":"$KEY","secret_access_key":"$SECRET","bucket":"\#(storage.bucket)","endpoint":"\#(s3Peer.endpoint)"}}"#
            .write(toFile: dir + "/checkup.json", atomically: true, encoding: .utf8)
        let serve = try ServeProcess(in: dir, environment: ["KEY": s3Peer.accessKeyID, "SECRET": s3Peer.secretAccessKey, "PATH": "/usr/bin:/bin"])
        #expect(serve.banner.contains("check files from s3://\(storage.bucket)") && !serve.banner.contains(s3Peer.secretAccessKey))
        let port = serve.port
        let index = try await httpGet("http://127.0.0.1:\(port)/index.json")
        #expect(index.status == 200 && index.body.contains(key))
        let file = try await httpGet("http://127.0.0.1:\(port)/\(key)")
        #expect(file.status == 200 && Data(file.body.utf8) == CheckResult.checkFileData([CheckResult(title: "from s3", timestamp: 5, healthy: true)]))
        #expect(try await httpGet("http://127.0.0.1:\(port)/1-check.json").status == 502)
        // The page itself too (it used to be a 404 with a non-fs store).
        let page = try await httpGet("http://127.0.0.1:\(port)/")
        #expect(page.status == 200 && page.body.contains("<html"))
        #expect(try await httpGet("http://127.0.0.1:\(port)/js/statuspage.js").status == 200)
        // Summaries come through the same way; before any, the manifest is empty.
        #expect(try await httpGet("http://127.0.0.1:\(port)/summaries/index.json").body == #"{"version":1,"origins":[]}"#)
        try await StatusSummaries(storage: storage, origin: "east").update(with: [summaryResult("Web", at: CheckResult.now() / 1_000_000)])
        #expect(try await httpGet("http://127.0.0.1:\(port)/summaries/index.json").body == #"{"version":1,"origins":["east"]}"#)
        let summary = try await httpGet("http://127.0.0.1:\(port)/summaries/east.json")
        #expect(summary.status == 200 && summary.body.contains(#""title":"Web""#))
        #expect(try await httpGet("http://127.0.0.1:\(port)/summaries/west.json").status == 404)
        // In the bucket the summary is gzipped, marked so for browsers.
        let stored = try await storage.client().send("GetObject", "GET", key: "summaries/east.json")
        #expect(Gzip.isCompressed(stored.body))
        #expect(stored.headers.first { $0.name.lowercased() == "content-encoding" }?.value == "gzip")
        #expect(stored.headers.first { $0.name.lowercased() == "cache-control" }?.value == "no-cache")
        #expect(try Gzip.decompress(stored.body) == Array(summary.body.utf8))
        withExtendedLifetime(serve) {}
    }

    @Test func credentialsComeFromTheEnvironmentWhenTheConfigHasNone() throws {
        let storage = S3Storage(bucket: "b")
        let client = try storage.client(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"])
        #expect(client.credentials == .init(accessKeyID: "AKID", secretAccessKey: "s", sessionToken: "t"))
        #expect(throws: CheckupError.self) { try storage.client(environment: [:]) }
    }
}

@Suite(.serialized) struct S3ProvisioningTests {
    @Test func provisioningCreatesABucketAndAKeyThatMayReadButNotWrite() async throws {
        let admin = s3Peer.storage(bucket: "status-\(UUID().uuidString.lowercased().prefix(10))")
        let info = try await admin.provision()
        #expect(info.username == S3Storage.publicUserName && !info.userID.isEmpty)
        #expect(info.publicAccessKeyID.hasPrefix("AKIA") && info.publicAccessKey.count >= 30)

        let key = try await admin.storeFile([CheckResult(title: "stored by admin")])
        let reader = s3Peer.storage(bucket: admin.bucket)
        var publicKey = reader
        publicKey.accessKeyID = info.publicAccessKeyID
        publicKey.secretAccessKey = info.publicAccessKey
        #expect(try await publicKey.fetch(key).map(\.title) == ["stored by admin"])
        #expect(try await publicKey.index().keys.contains(key))
        await #expect(throws: CheckupError.self) { try await publicKey.store([]) }
        do {
            try await publicKey.store([])
        } catch let error as CheckupError {
            #expect(error.message.hasSuffix("403 AccessDenied"), "\(error.message)")
        }

        // CORS and the bucket policy are in place.
        let client = try admin.client()
        let cors = XMLElements(try await client.send("GetBucketCors", "GET", key: "", query: [("cors", "")]).body)
        #expect(cors.values("CORSConfiguration/CORSRule/AllowedMethod").sorted() == ["GET", "HEAD"])
        let policy = String(decoding: try await client.send("GetBucketPolicy", "GET", key: "", query: [("policy", "")]).body, as: UTF8.self)
        #expect(policy.contains("PublicReadGetObject") && policy.contains("arn:aws:s3:::\(admin.bucket)/*"))

        // Running it again reuses the user and the bucket, and tells its progress before each step.
        let steps = Mutex2<[String]>([])
        let again = try await admin.provision(progress: ProgressSink { done, total, step in
            steps.set(steps.get() + ["\(done)/\(total) \(step)"])
        })
        #expect(again.userID == info.userID && again.publicAccessKeyID != info.publicAccessKeyID)
        #expect(steps.get() == ["1/6 CreateUser", "2/6 PutUserPolicy", "3/6 CreateAccessKey", "4/6 CreateBucket",
                                "5/6 PutBucketCors", "6/6 PutBucketPolicy", "6/6 done"])

        // Clean up: IAM allows two keys per user, and the next test provisions again.
        let iam = IAMClient(credentials: client.credentials, endpoint: s3Peer.endpoint)
        for id in [info.publicAccessKeyID, again.publicAccessKeyID] {
            try await iam.deleteAccessKey(S3Storage.publicUserName, id: id)
        }
    }

    @Test func provisionCommandUsesTheEnvironment() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let bucket = "cli-\(UUID().uuidString.lowercased().prefix(10))"
        let run = try runCLI(["provision", "s3"], in: dir, environment: [
            "AWS_ACCESS_KEY_ID": s3Peer.accessKeyID, "AWS_SECRET_ACCESS_KEY": s3Peer.secretAccessKey,
            "AWS_BUCKET_NAME": bucket, "AWS_ENDPOINT_URL": s3Peer.endpoint,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("One sec...\nProvision successful\n\n             User ID: "))
        #expect(run.stdout.contains("Public Access Key ID: AKIA"))
        #expect(run.stdout.contains("may only list and read the objects of bucket \(bucket)"))
        #expect(!run.stdout.contains(s3Peer.secretAccessKey) && !run.stderr.contains(s3Peer.secretAccessKey))

        let denied = try runCLI(["provision", "s3"], in: dir, environment: [
            "AWS_ACCESS_KEY_ID": s3Peer.accessKeyID, "AWS_SECRET_ACCESS_KEY": "wrong-secret-value",
            "AWS_BUCKET_NAME": bucket, "AWS_ENDPOINT_URL": s3Peer.endpoint,
        ])
        #expect(denied.status == 1)
        #expect(denied.stderr.hasPrefix("checkup: provision step 1 of 6 (CreateUser) failed: IAM CreateUser: 403"), "\(denied.stderr)")
        #expect(!denied.stderr.contains("wrong-secret-value") && denied.stderr.split(separator: "\n").count == 1)
    }
}
