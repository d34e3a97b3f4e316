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
    public func provision() async throws -> ProvisionInfo {
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
        return ProvisionInfo(userID: userID, username: user, publicAccessKeyID: key.id, publicAccessKey: key.secret)
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

extension S3Client {
    /// PutBucketCors with the original's single rule: any origin may GET and HEAD.
    func putBucketCors() async throws {
        let xml = "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule>"
            + "<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>"
            + "<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>"
            + "</CORSRule></CORSConfiguration>"
        let body = Array(xml.utf8)
        _ = try await send("PutBucketCors", "PUT", key: "", query: [("cors", "")], body: body,
                           headers: [("Content-Type", "application/xml"), ("Content-MD5", Self.md5Base64(body))])
    }

    func putBucketPolicy(_ policy: String) async throws {
        _ = try await send("PutBucketPolicy", "PUT", key: "", query: [("policy", "")], body: Array(policy.utf8),
                           headers: [("Content-Type", "application/json")])
    }
}

/// The IAM query API (`Action=...&Version=2010-05-08`, form-encoded POSTs signed for `iam`).
struct IAMClient: Sendable {
    var credentials: SigV4.Credentials
    /// nil means AWS (`https://iam.amazonaws.com`).
    var endpoint: String?

    func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLElements {
        let service = (endpoint ?? "https://iam.amazonaws.com").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let host = String(service[(service.range(of: "://")?.upperBound ?? service.startIndex)...])
        let form = formEncode([("Action", action), ("Version", "2010-05-08")] + parameters)
        let response = try await AWSRequest(service: "iam", region: "us-east-1", credentials: credentials)
            .send("IAM \(action)", "POST", baseURL: service, host: host, path: "/", body: form,
                  headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")])
        return XMLElements(response.body)
    }

    /// Creates the user, or finds it when an earlier run made it; returns its id.
    func createOrGetUser(_ name: String) async throws -> String {
        do {
            return try await call("CreateUser", [("UserName", name)]).values("CreateUserResponse/CreateUserResult/User/UserId").first ?? ""
        } catch let error as CheckupError where error.message.hasSuffix("EntityAlreadyExists") {
            return try await call("GetUser", [("UserName", name)]).values("GetUserResponse/GetUserResult/User/UserId").first ?? ""
        }
    }

    func putUserPolicy(_ user: String, name: String, document: String) async throws {
        _ = try await call("PutUserPolicy", [("UserName", user), ("PolicyName", name), ("PolicyDocument", document)])
    }

    func deleteAccessKey(_ user: String, id: String) async throws {
        _ = try await call("DeleteAccessKey", [("UserName", user), ("AccessKeyId", id)])
    }

    func createAccessKey(_ user: String) async throws -> (id: String, secret: String) {
        let xml = try await call("CreateAccessKey", [("UserName", user)])
        let base = "CreateAccessKeyResponse/CreateAccessKeyResult/AccessKey/"
        return (xml.values(base + "AccessKeyId").first ?? "", xml.values(base + "SecretAccessKey").first ?? "")
    }
}
