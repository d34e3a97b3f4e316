import Foundation
import Testing
@testable import CheckupKit

/// Known answers from the Amazon S3 documentation's "Signature Calculations for the
/// Authorization Header" examples (keys AKIAIOSFODNN7EXAMPLE, 2013-05-24, us-east-1).
@Suite struct SigV4Tests {
    let signer = SigV4(credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                          secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                       region: "us-east-1", service: "s3")
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    let host = ("Host", "examplebucket.s3.amazonaws.com")

    func signature(_ headers: [(String, String)]) -> String {
        let auth = headers.first { $0.0 == "Authorization" }?.1 ?? ""
        return String(auth.split(separator: "=").last ?? "")
    }

    @Test func getObjectWithRange() {
        let headers = signer.sign(method: "GET", path: "/test.txt", query: [], headers: [host, ("Range", "bytes=0-9")],
                                  payloadHash: SigV4.emptyPayloadHash, date: date)
        #expect(signature(headers) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.first { $0.0 == "Authorization" }?.1.hasPrefix(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=") == true)
    }

    @Test func putObjectWithAnEncodedKey() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = Digest.hex(Digest.sha256(body))
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = signer.sign(method: "PUT", path: "/test$file.text", query: [],
                                  headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), host,
                                            ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                                  payloadHash: hash, date: date)
        #expect(signature(headers) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleWithAnEmptyQueryValue() {
        let headers = signer.sign(method: "GET", path: "/", query: [("lifecycle", "")], headers: [host],
                                  payloadHash: SigV4.emptyPayloadHash, date: date)
        #expect(signature(headers) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsWithSortedQuery() {
        let headers = signer.sign(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [host],
                                  payloadHash: SigV4.emptyPayloadHash, date: date)
        #expect(signature(headers) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    /// Cases of AWS's "aws-sig-v4-test-suite" (service `service`, 2015-08-30T12:36:00Z).
    @Test(arguments: [
        ("GET", "/", [(String, String)](), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("POST", "/", [], "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        ("GET", "/", [("Param2", "value2"), ("Param1", "value1")], "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
    ])
    func awsTestSuite(method: String, path: String, query: [(String, String)], expected: String) {
        var suite = SigV4(credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                          region: "us-east-1", service: "service")
        suite.signsContentHash = false
        let headers = suite.sign(method: method, path: path, query: query, headers: [("Host", "example.amazonaws.com")],
                                 payloadHash: SigV4.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_440_938_160))
        #expect(signature(headers) == expected)
    }

    @Test func encodingFollowsS3Rules() {
        #expect(SigV4.encodePath("/my bucket/a+b/ü~x.json") == "/my%20bucket/a%2Bb/%C3%BC~x.json")
        #expect(SigV4.canonicalQuery([("prefix", "a/b c"), ("list-type", "2"), ("continuation-token", "x=y")])
                == "continuation-token=x%3Dy&list-type=2&prefix=a%2Fb%20c")
        #expect(SigV4.timestamps(date) == ("20130524T000000Z", "20130524"))
    }
}
