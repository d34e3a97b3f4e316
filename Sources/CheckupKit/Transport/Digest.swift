import COpenSSL
import Foundation

/// Message digests through OpenSSL's libcrypto (`EVP_Digest`), and the encodings they travel in.
enum Digest {
    /// The `EVP_Digest` of `bytes` with `algorithm` (`EVP_sha256()`, `EVP_md5()`).
    static func digest(_ bytes: [UInt8], _ algorithm: OpaquePointer?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        bytes.withUnsafeBytes { b in
            out.withUnsafeMutableBufferPointer { o in
                _ = EVP_Digest(b.baseAddress, b.count, o.baseAddress, &length, algorithm, nil)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha256()) }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_md5()) }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func sha256Hex(_ bytes: [UInt8]) -> String { hex(sha256(bytes)) }
}

/// `application/x-www-form-urlencoded` with RFC 3986 percent-encoding (as AWS's query APIs,
/// Mailgun and Pushover accept it).
func formEncode(_ fields: [(String, String)]) -> [UInt8] {
    Array(fields.map { "\(SigV4.uriEncode($0.0, keepSlash: false))=\(SigV4.uriEncode($0.1, keepSlash: false))" }
        .joined(separator: "&").utf8)
}

/// Escapes text for XML or HTML element content and attribute values.
func escapeMarkup(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
