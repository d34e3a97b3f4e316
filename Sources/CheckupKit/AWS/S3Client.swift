import Foundation

/// A small S3 client on the shared libcurl loop: signed (SigV4) PutObject, GetObject,
/// ListObjectsV2 and DeleteObjects. 5xx, 429 and connection failures are retried with backoff;
/// 4xx answers are not. Failures become one-line errors such as
/// `S3 PutObject checkup/123-check.json: 403 SignatureDoesNotMatch`, never with a secret in them.
struct S3Client: Sendable {
    var credentials: SigV4.Credentials
    var region: String
    var bucket: String
    /// `scheme://host[:port]` of the service; nil means AWS (`https://s3.<region>.amazonaws.com`).
    var endpoint: String?
    /// Address the bucket in the path (`/bucket/key`) instead of the host name.
    var pathStyle: Bool
    var timeout: Duration = .seconds(30)
    var retries = 3

    struct Object: Sendable, Equatable {
        var key: String
        /// UTC Unix nanoseconds.
        var lastModified: Int64
    }

    private var baseURL: (url: String, host: String, prefix: String) {
        Self.baseURL(endpoint: endpoint, region: region, bucket: bucket, pathStyle: pathStyle)
    }

    /// Where a bucket's requests go: the URL and `Host` of the service (the bucket's virtual host,
    /// or the service's with `pathStyle`) and the path prefix (`/bucket` with `pathStyle`).
    static func baseURL(endpoint: String?, region: String, bucket: String, pathStyle: Bool) -> (url: String, host: String, prefix: String) {
        let service = endpoint ?? (region == "us-east-1" || region.isEmpty ? "https://s3.amazonaws.com" : "https://s3.\(region).amazonaws.com")
        let split = ServiceEndpoint(service)
        if pathStyle {
            return (split.url, split.host, "/" + bucket)
        }
        return (split.scheme + bucket + "." + split.host, bucket + "." + split.host, "")
    }

    /// Creates the bucket (with a LocationConstraint outside us-east-1). An existing bucket of
    /// ours (`BucketAlreadyOwnedByYou`) is not an error, so provisioning can be run again.
    func createBucket() async throws {
        var body: [UInt8] = []
        if !region.isEmpty && region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        do {
            _ = try await send("CreateBucket", "PUT", key: "", body: body)
        } catch let error as CheckupError where error.message.hasSuffix("BucketAlreadyOwnedByYou") {
            return
        }
    }

    func putObject(_ key: String, body: [UInt8], contentType: String = "application/json") async throws {
        _ = try await send("PutObject", "PUT", key: key, body: body, headers: [("Content-Type", contentType)])
    }

    func getObject(_ key: String) async throws -> [UInt8] {
        try await send("GetObject", "GET", key: key).body
    }

    /// GetObject with the object's `ETag`; nil when there is no such key (404).
    func getObjectTagged(_ key: String) async throws -> (body: [UInt8], etag: String)? {
        let response = try await send("GetObject", "GET", key: key, passing: [404])
        if response.status == 404 { return nil }
        return (response.body, response.header("ETag") ?? "")
    }

    /// HeadObject: the object's `ETag`, or nil when there is no such key (404).
    func headObjectETag(_ key: String) async throws -> String? {
        let response = try await send("HeadObject", "HEAD", key: key, passing: [404])
        return response.status == 404 ? nil : response.header("ETag") ?? ""
    }

    /// PutObject only if the object still has `etag` (`If-Match`), or does not exist yet when
    /// `etag` is nil (`If-None-Match: *`): S3's conditional writes. Returns false when another
    /// writer got there first (409 for a concurrent conditional write, or 412 with the object
    /// changed). A store without conditional writes (501, or a 412 although the object is as
    /// expected) gets a plain PutObject: it cannot do better, and nothing is lost to it.
    func putObjectIf(_ key: String, body: [UInt8], etag: String?, extraHeaders: [(String, String)] = []) async throws -> Bool {
        let condition = etag.map { ("If-Match", $0) } ?? ("If-None-Match", "*")
        let headers = [("Content-Type", "application/json")] + extraHeaders
        let response = try await send("PutObject", "PUT", key: key, body: body, headers: headers + [condition], passing: [409, 412, 501])
        switch response.status {
        case 409: return false
        case 412: guard try await headObjectETag(key) == etag else { return false }
        case 501: break
        default: return true
        }
        _ = try await send("PutObject", "PUT", key: key, body: body, headers: headers)
        return true
    }

    /// Creates `key` only if it does not exist (`If-None-Match: *`): true when this call created
    /// it, false when it existed, nil when the store cannot tell (no conditional writes: a 501,
    /// or a 412 for an object that is not there).
    func createObject(_ key: String, body: [UInt8]) async throws -> Bool? {
        let response = try await send("PutObject", "PUT", key: key, body: body,
                                      headers: [("Content-Type", "application/json"), ("If-None-Match", "*")], passing: [409, 412, 501])
        switch response.status {
        case 409: return false
        case 412: return try await headObjectETag(key) == nil ? nil : false
        case 501: return nil
        default: return true
        }
    }

    /// Every object whose key starts with `prefix`, following continuation tokens to the end.
    func listObjects(prefix: String = "") async throws -> [Object] {
        var objects: [Object] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            var query = [("list-type", "2")]
            if !prefix.isEmpty { query.append(("prefix", prefix)) }
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("ListObjectsV2", "GET", key: "", query: query)
            let page = Self.listPage(response.body)
            objects += page.objects
            token = page.next
            // A server that hands back a token it gave before would page for ever.
            if let next = token, !seen.insert(next).inserted {
                throw CheckupError(.service, "S3 ListObjectsV2 \(bucket): the listing repeats a continuation token")
            }
        } while token != nil
        return objects
    }

    /// One ListObjectsV2 answer: its objects and the continuation token of the next page (nil
    /// when the listing is complete).
    static func listPage(_ body: [UInt8]) -> (objects: [Object], next: String?) {
        let xml = XMLElements(body)
        let keys = xml.values("ListBucketResult/Contents/Key")
        let dates = xml.values("ListBucketResult/Contents/LastModified")
        let objects = zip(keys, dates).map { Object(key: $0, lastModified: RFC3339.parse($1) ?? 0) }
        let next = xml.values("ListBucketResult/IsTruncated").first == "true"
            ? xml.values("ListBucketResult/NextContinuationToken").first : nil
        return (objects, next)
    }

    /// Deletes `keys`, at most 1000 per DeleteObjects request (the API's limit).
    func deleteObjects(_ keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(escapeMarkup(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            let response = try await send("DeleteObjects", "POST", key: "", query: [("delete", "")], body: body,
                                          headers: [("Content-Type", "application/xml"), ("Content-MD5", Self.md5Base64(body))])
            let errors = XMLElements(response.body).values("DeleteResult/Error/Key")
            if let first = errors.first {
                throw CheckupError(.service, "S3 DeleteObjects \(bucket): \(errors.count) object(s) not deleted, e.g. \(first)")
            }
        }
    }

    /// Sends one signed S3 request; returns the response of a 2xx answer.
    func send(_ operation: String, _ method: String, key: String, query: [(String, String)] = [],
              body: [UInt8] = [], headers: [(String, String)] = [], passing: Set<Int> = []) async throws -> TransferResponse {
        let base = baseURL
        let path = base.prefix + (key.isEmpty && !base.prefix.isEmpty ? "" : "/" + key)
        let what = key.isEmpty ? bucket : "\(bucket)/\(key)"
        return try await AWSRequest(service: "s3", region: region, credentials: credentials, timeout: timeout,
                                    retries: retries)
            .send("S3 \(operation) \(what)", method, baseURL: base.url, host: base.host, path: path,
                  query: query, body: body, headers: headers, passing: passing)
    }

    /// Base64 of the MD5 of `body`, for `Content-MD5`.
    static func md5Base64(_ body: [UInt8]) -> String {
        Data(Digest.md5(body)).base64EncodedString()
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
