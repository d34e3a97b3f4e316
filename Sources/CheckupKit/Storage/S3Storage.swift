/// Stores check files in an Amazon S3 (or S3-compatible) bucket (`"type": "s3"`).
///
/// This build reads and writes the S3 storage configuration with the original's keys, so that
/// existing `checkup.json` files load and round-trip unchanged; storing to S3 itself (SigV4,
/// listing, expiry, provisioning) is the S3 storage issue's work and reports a clear error until
/// it lands.
public struct S3Storage: Storage, Equatable {
    /// The access key id (`access_key_id`); empty means the environment's `AWS_ACCESS_KEY_ID`.
    public var accessKeyID: String
    /// The secret access key (`secret_access_key`); empty means `AWS_SECRET_ACCESS_KEY`.
    public var secretAccessKey: String
    /// The bucket's region (`region`).
    public var region: String
    /// The bucket (`bucket`).
    public var bucket: String
    /// Check files older than this are deleted by maintenance (`check_expiry`); zero keeps them.
    public var checkExpiry: Duration

    /// Creates S3 storage settings.
    public init(accessKeyID: String = "", secretAccessKey: String = "", region: String = "",
                bucket: String, checkExpiry: Duration = .zero) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.bucket = bucket
        self.checkExpiry = checkExpiry
    }

    /// Not yet available in this build; throws a `.storage` error that says so.
    public func store(_ results: [CheckResult]) async throws {
        throw CheckupError(.storage, "s3 storage: storing to S3 is not available in this build yet; use \"type\": \"fs\"")
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
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        self.init(accessKeyID: try c.string("access_key_id") ?? "",
                  secretAccessKey: try c.string("secret_access_key") ?? "",
                  region: try c.string("region") ?? "", bucket: try c.requiredString("bucket"),
                  checkExpiry: try c.duration("check_expiry"))
    }
}
