import Foundation
import COpenSSL

/// SHA-256 through OpenSSL's libcrypto (`EVP_Digest` with `EVP_sha256`).
enum Digest {
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer { o in
            _ = EVP_Digest(bytes.baseAddress, bytes.count, o.baseAddress, &length, EVP_sha256(), nil)
        }
        return out
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sha256($0) }.map { String(format: "%02x", $0) }.joined()
    }
}
