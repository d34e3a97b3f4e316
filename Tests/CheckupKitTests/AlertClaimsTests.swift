import Foundation
import Testing
@testable import CheckupKit

/// Create-only alert claims on a real directory and a real bucket (moto, SigV4 on).
@Suite struct AlertClaimsTests {
    func exercise(_ claims: any AlertClaims) async throws {
        #expect(try await claims.claim("a.claim", by: "alpha", fallback: "") == nil)
        #expect(try await claims.claim("a.claim", by: "beta", fallback: "") == "alpha")
        let (a, b) = (try await claims.holder("a.claim"), try await claims.holder("b.claim"))
        #expect(a == "alpha" && b == nil)
        try await claims.release("a.claim")
        #expect(try await claims.claim("a.claim", by: "beta", fallback: "") == nil)
    }

    @Test func fileClaimsAreCreateOnlyAndOldOnesExpire() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let claims = FileClaims(directory: dir + "/claims")
        try await exercise(claims)
        #expect(try await claims.claim("old.claim", by: "gamma", fallback: "") == nil)
        var times = [timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0), timespec(tv_sec: time(nil) - 2 * 86_400, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, dir + "/claims/old.claim", &times, 0) == 0)
        try await claims.expire(olderThan: .seconds(86_400), now: CheckResult.now())
        let (old, kept) = (try await claims.holder("old.claim"), try await claims.holder("a.claim"))
        #expect(old == nil && kept == "beta")
    }

    @Test func s3ClaimsAreCreateOnly() async throws {
        let bucket = try await s3Peer.bucket()
        let claims = S3Claims(client: { try bucket.client() }, prefix: "claims/")
        try await exercise(claims)
        // Nothing is older than a day: expiry keeps it; with no age at all it goes.
        try await claims.expire(olderThan: .seconds(86_400), now: CheckResult.now())
        #expect(try await claims.holder("a.claim") == "beta")
        try await claims.expire(olderThan: .zero, now: CheckResult.now() + 5_000_000_000)
        #expect(try await claims.holder("a.claim") == nil)
    }
}
