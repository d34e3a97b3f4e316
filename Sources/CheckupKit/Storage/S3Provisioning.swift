import Foundation

/// `checkup provision` for S3: the original's calls in the original's order, with one deliberate
/// security fix. The public user gets an inline policy that allows only `s3:GetObject` and
/// `s3:ListBucket` on this bucket, where the original attached AmazonS3ReadOnlyAccess (read
/// access to every bucket in the account). Every step tolerates what an earlier, partial run
/// already created, so provisioning can simply be run again.
extension S3Storage: Provisioner {
    /// The IAM user made for the status page, as the original names it.
    public static let publicUserName = "checkup-monitor-s3-public"

    /// Creates the public user, its policy and key, the bucket, its CORS rule and its policy.
    /// - Throws: `CheckupError` naming the step that failed, what was already created, and how
    ///   to clean up or go on.
    public func provision() async throws -> ProvisionInfo { try await provision(progress: .discard) }

    /// `provision()`, telling `progress` before each of its six steps.
    public func provision(progress: ProgressSink) async throws -> ProvisionInfo {
        var storage = self
        if storage.region.isEmpty { storage.region = "us-east-1" }
        let s3 = try storage.client()
        let iam = IAMClient(credentials: s3.credentials, endpoint: endpoint.isEmpty ? nil : endpoint)
        let user = Self.publicUserName
        var created: [String] = []
        var step = 0
        let steps = ["CreateUser", "PutUserPolicy", "CreateAccessKey", "CreateBucket", "PutBucketCors", "PutBucketPolicy"]
        func run<T>(_ body: () async throws -> T) async throws -> T {
            step += 1
            progress.report(step, steps.count, steps[step - 1])
            do {
                return try await body()
            } catch {
                let done = created.isEmpty ? "nothing yet" : created.joined(separator: ", ")
                throw CheckupError(.service, "provision step \(step) of \(steps.count) (\(steps[step - 1])) failed: \(error); "
                    + "already created: \(done). Fix the cause and run checkup provision again (it reuses what exists), "
                    + "or remove the user with: aws iam delete-user-policy --user-name \(user) --policy-name checkup-status-page-read; "
                    + "aws iam delete-access-key --user-name \(user) --access-key-id KEY; aws iam delete-user --user-name \(user)")
            }
        }

        let userID = try await run { try await iam.createOrGetUser(user) }
        created.append("IAM user \(user)")
        try await run { try await iam.putUserPolicy(user, name: "checkup-status-page-read", document: storage.readOnlyPolicy) }
        created.append("its read-only policy for bucket \(bucket)")
        let key = try await run { try await iam.createAccessKey(user) }
        created.append("access key \(key.id)")
        try await run { try await s3.createBucket() }
        created.append("bucket \(bucket)")
        try await run { try await s3.putBucketCors() }
        try await run { try await s3.putBucketPolicy(storage.publicReadPolicy) }
        progress.report(steps.count, steps.count, "done")
        return ProvisionInfo(userID: userID, username: user, publicAccessKeyID: key.id, publicAccessKey: key.secret)
    }

    /// The IAM user made for jobs that push heartbeats (`checkup provision --heartbeat`).
    public static let heartbeatUserName = "checkup-heartbeat-push"

    /// Creates the heartbeat user, its policy (PutObject under `heartbeats/` of this bucket, and
    /// nothing else) and a key for it: what a job needs to run `checkup push`. Like `provision()`,
    /// it tolerates a user an earlier run made. The bucket must exist (`provision()` makes it).
    /// - Returns: the user and its key (in `publicAccessKeyID` and `publicAccessKey`).
    /// - Throws: `CheckupError` naming the step that failed.
    public func provisionHeartbeatPusher(progress: ProgressSink = .discard) async throws -> ProvisionInfo {
        let s3 = try client()
        let iam = IAMClient(credentials: s3.credentials, endpoint: endpoint.isEmpty ? nil : endpoint)
        let user = Self.heartbeatUserName
        let steps = ["CreateUser", "PutUserPolicy", "CreateAccessKey"]
        var step = 0
        func run<T>(_ body: () async throws -> T) async throws -> T {
            step += 1
            progress.report(step, steps.count, steps[step - 1])
            do { return try await body() } catch {
                throw CheckupError(.service, "provision --heartbeat step \(step) of \(steps.count) (\(steps[step - 1])) failed: \(error); "
                    + "fix the cause and run it again (it reuses the user \(user))")
            }
        }
        let userID = try await run { try await iam.createOrGetUser(user) }
        try await run { try await iam.putUserPolicy(user, name: "checkup-heartbeat-push", document: heartbeatPushPolicy) }
        let key = try await run { try await iam.createAccessKey(user) }
        progress.report(steps.count, steps.count, "done")
        return ProvisionInfo(userID: userID, username: user, publicAccessKeyID: key.id, publicAccessKey: key.secret)
    }

    /// The heartbeat user's only right: put objects under `heartbeats/` in this bucket.
    var heartbeatPushPolicy: String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::\#(bucket)/\#(CheckerObjectKey.heartbeatFolder)/*"]}]}"#
    }

    /// The public user's only rights: list this bucket and read its objects.
    var readOnlyPolicy: String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::\#(bucket)"]},{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::\#(bucket)/*"]}]}"#
    }

    /// The bucket policy of the original: anyone may GET objects (so a page can read them).
    var publicReadPolicy: String {
        #"{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::\#(bucket)/*"}]}"#
    }
}
