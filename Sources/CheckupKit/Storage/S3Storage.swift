import Foundation

/// Stores check files in an Amazon S3 (or S3-compatible) bucket (`"type": "s3"`).
///
/// Each stored round is one PutObject of `<unix-nanos>-check.json` whose body is byte-identical
/// to the fs file, so any number of nodes can write into one bucket without coordinating.
/// `maintain()` pages through the whole listing and deletes only check files older than
/// `checkExpiry` (the original stopped at the first page without old files and deleted any
/// object). Works with any S3-compatible store through `endpoint` and `pathStyle`.
public struct S3Storage: Storage, StorageReader, Maintainer, Equatable {
    /// The access key id (`access_key_id`); empty means the environment's `AWS_ACCESS_KEY_ID`.
    public var accessKeyID: String
    /// The secret access key (`secret_access_key`); empty means `AWS_SECRET_ACCESS_KEY`.
    public var secretAccessKey: String
    /// The bucket's region (`region`); empty means `us-east-1`.
    public var region: String
    /// The bucket (`bucket`).
    public var bucket: String
    /// Check files older than this are deleted by maintenance (`check_expiry`); zero keeps them.
    public var checkExpiry: Duration
    /// The service URL for S3-compatible stores, e.g. `http://127.0.0.1:9000` (`endpoint`, checkup's extension).
    public var endpoint: String
    /// Path-style addressing (`path_style`, checkup's extension); nil means yes for a custom
    /// `endpoint` and no for AWS.
    public var pathStyle: Bool?
    /// Where rounds wait while the bucket cannot be reached (`spool_dir`, checkup's extension);
    /// empty means `Spool.defaultDirectory(bucket:)`.
    public var spoolDirectory = ""

    /// Creates S3 storage settings.
    public init(accessKeyID: String = "", secretAccessKey: String = "", region: String = "",
                bucket: String, checkExpiry: Duration = .zero, endpoint: String = "", pathStyle: Bool? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.bucket = bucket
        self.checkExpiry = checkExpiry
        self.endpoint = endpoint
        self.pathStyle = pathStyle
    }

    /// S3 storage as the environment names it (what `checkup provision s3` reads):
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_BUCKET_NAME` are required,
    /// `AWS_REGION` and `AWS_ENDPOINT_URL` (an S3-compatible service) are optional.
    /// - Throws: `CheckupError` (`.config`) naming every required variable that is missing.
    public init(environment: [String: String]) throws(CheckupError) {
        let missing = [Self.keyIDVariable, Self.secretVariable, "AWS_BUCKET_NAME"].filter { (environment[$0] ?? "").isEmpty }
        guard missing.isEmpty else {
            throw CheckupError(.config, "s3 needs the environment variables \(missing.joined(separator: ", "))")
        }
        self.init(accessKeyID: environment[Self.keyIDVariable] ?? "", secretAccessKey: environment[Self.secretVariable] ?? "",
                  region: environment["AWS_REGION"] ?? "", bucket: environment["AWS_BUCKET_NAME"] ?? "",
                  endpoint: environment["AWS_ENDPOINT_URL"] ?? "")
    }

    private static let keyIDVariable = "AWS_ACCESS_KEY_ID", secretVariable = "AWS_SECRET_ACCESS_KEY"

    /// The one place credentials come from: each of the settings' keys, else its environment
    /// variable, with `AWS_SESSION_TOKEN` only when the key id comes from the environment too.
    private func credentials(_ environment: [String: String]) -> SigV4.Credentials {
        .init(accessKeyID: accessKeyID.isEmpty ? environment[Self.keyIDVariable] ?? "" : accessKeyID,
              secretAccessKey: secretAccessKey.isEmpty ? environment[Self.secretVariable] ?? "" : secretAccessKey,
              sessionToken: accessKeyID.isEmpty ? environment["AWS_SESSION_TOKEN"] ?? "" : "")
    }

    /// The client for this bucket, with credentials from the settings or the environment.
    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CheckupError) -> S3Client {
        let credentials = credentials(environment)
        guard !credentials.accessKeyID.isEmpty, !credentials.secretAccessKey.isEmpty else {
            throw CheckupError(.config, "s3 storage: no credentials (set access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
        }
        return S3Client(credentials: credentials, region: region, bucket: bucket, endpoint: endpoint.isEmpty ? nil : endpoint,
                        pathStyle: usesPathStyle)
    }

    /// `path_style` when set; else yes for a custom `endpoint`, and for a bucket name with dots,
    /// which a virtual host's TLS certificate (`*.s3.amazonaws.com`) cannot match.
    var usesPathStyle: Bool { pathStyle ?? (!endpoint.isEmpty || bucket.contains(".")) }

    /// The bucket's base URL as requests address it, ending in `/`: what a browser reads (and
    /// the exported page's `config.js` publishes), so never with user-info.
    public var bucketURL: String {
        let base = S3Client.baseURL(endpoint: endpoint.isEmpty ? nil : URLRedaction.withoutUserInfo(endpoint), region: region,
                                    bucket: bucket, pathStyle: usesPathStyle)
        return base.url + base.prefix + "/"
    }

    /// Why `endpoint` cannot be an S3 service address (`scheme://host[:port]`), or nil. User-info
    /// is refused: S3 signs with the access keys, and the address is published in the page's
    /// `config.js`.
    static func endpointProblem(_ endpoint: String) -> String? {
        if let problem = httpURLProblem(endpoint) { return problem }
        let parts = URLRedaction.Parts(endpoint)
        if parts.hadUserInfo {
            return "has user-info (user:password@); S3 signs with access_key_id and secret_access_key instead"
        }
        if !(parts.path.isEmpty || parts.path == "/") || parts.query != nil || parts.fragment != nil {
            return "has a path; an S3 endpoint is scheme://host[:port] only"
        }
        return nil
    }

    /// Stores `results` as a new check file.
    public func store(_ results: [CheckResult]) async throws {
        _ = try await storeFile(results)
    }

    /// Stores `results` and returns the new object's key, `<now>-check.json` (or the next free
    /// nanosecond; `now` in UTC Unix nanoseconds).
    @discardableResult
    public func storeFile(_ results: [CheckResult], at now: Int64 = CheckResult.now()) async throws -> String {
        let client = try client()
        let body = [UInt8](CheckResult.checkFileData(results))
        var stamp = now
        // If-None-Match: two nodes storing in the same nanosecond get two keys, as fs's link().
        while !(try await client.putObjectIf("\(stamp)-check.json", body: body, etag: nil)) { stamp += 1 }
        return "\(stamp)-check.json"
    }

    /// Deletes check files older than `checkExpiry`; does nothing when it is zero.
    public func maintain() async throws {
        guard checkExpiry > .zero else { return }
        let client = try client()
        let cutoff = CheckResult.now() - checkExpiry.nanoseconds
        let old = try await client.listObjects()
            .filter { FileSystemStorage.isCheckFileName($0.key) && $0.lastModified < cutoff }
            .map(\.key)
        try await client.deleteObjects(old)
    }

    /// The check files in the bucket: key → when stored (LastModified), in UTC Unix nanoseconds.
    public func index() async throws -> [String: Int64] {
        var index: [String: Int64] = [:]
        for object in try await client().listObjects() where FileSystemStorage.isCheckFileName(object.key) {
            index[object.key] = object.lastModified
        }
        return index
    }

    /// Reads one check file.
    public func fetch(_ name: String) async throws -> [CheckResult] {
        guard FileSystemStorage.isCheckFileName(name) else {
            throw CheckupError(.storage, "\(name): not a check file name")
        }
        let body = try await client().getObject(name)
        return try CheckResult.decodeCheckFile(Data(body), name: "s3://\(bucket)/\(name)")
    }
}

extension S3Storage: SpoolingStorage {
    public var spool: Spool {
        Spool(directory: spoolDirectory.isEmpty ? Spool.defaultDirectory(bucket: bucket) : spoolDirectory)
    }

    public func storeSpooled(_ name: String, data: Data) async throws -> String {
        let client = try client()
        let body = [UInt8](data)
        var stamp = FileSystemStorage.prefixTime(name)
        while true {
            let key = "\(stamp)-check.json"
            if try await client.putObjectIf(key, body: body, etag: nil) { return key }
            if try await client.getObject(key) == body { return key }  // an earlier upload landed
            stamp += 1
        }
    }
}

extension S3Storage: JSONConfigurable {
    static let typeName = "s3"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("access_key_id", accessKeyID, omitEmpty: false)
        w.string("secret_access_key", secretAccessKey, omitEmpty: false)
        w.string("region", region)
        w.string("bucket", bucket, omitEmpty: false)
        w.duration("check_expiry", checkExpiry)
        w.string("endpoint", endpoint)
        if let pathStyle { w.bool("path_style", pathStyle, omitEmpty: false) }
        w.string("spool_dir", spoolDirectory)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        let endpoint = try c.string("endpoint") ?? ""
        if !endpoint.isEmpty, let problem = Self.endpointProblem(endpoint) {
            throw c.error("endpoint", "\(c.shown("endpoint")) \(problem)")
        }
        self.init(accessKeyID: try c.string("access_key_id") ?? "",
                  secretAccessKey: try c.string("secret_access_key") ?? "",
                  region: try c.string("region") ?? "", bucket: try c.requiredString("bucket"),
                  checkExpiry: try c.duration("check_expiry"), endpoint: endpoint,
                  pathStyle: c.object["path_style"] == nil ? nil : try c.bool("path_style"))
        spoolDirectory = try c.string("spool_dir") ?? ""
    }
}

// Summaries are objects under `summaries/`, written with S3's conditional writes (the ETag as the
// version tag), so two writers of the same object never silently overwrite each other. They are
// stored gzipped with `Content-Encoding: gzip`: browsers inflate them on the fly, and a summary
// travels at about a third of its size. `Cache-Control: no-cache` makes browsers and CDNs
// revalidate (a cheap 304) instead of showing a stale state.
extension S3Storage: SummaryStorage {
    public func readSummaryObject(_ key: String) async throws -> (data: Data, tag: String)? {
        try SummaryKey.check(key)
        guard let (body, etag) = try await client().getObjectTagged(key) else { return nil }
        // Written by an older checkup or by hand, a summary may be plain JSON.
        guard Gzip.isCompressed(body) else { return (Data(body), etag) }
        do {
            return (Data(try Gzip.decompress(body)), etag)
        } catch {
            throw CheckupError(.storage, "\(bucket)/\(key): \(error.message)")
        }
    }

    public func writeSummaryObject(_ key: String, _ data: Data, ifMatching tag: String?) async throws -> Bool {
        try SummaryKey.check(key)
        return try await client().putObjectIf(key, body: Gzip.compress([UInt8](data)), etag: tag,
                                              extraHeaders: [("Content-Encoding", "gzip"), ("Cache-Control", "no-cache")])
    }

    public func deleteSummaryObjects(_ keys: [String]) async throws {
        for key in keys { try SummaryKey.check(key) }
        try await client().deleteObjects(keys)
    }
}
