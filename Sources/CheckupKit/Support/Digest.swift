internal import COpenSSL
import Foundation

/// Message digests and HMAC through OpenSSL's libcrypto (`EVP_Digest`, `HMAC`), and hex.
enum Digest {
    /// The `EVP_Digest` of `bytes` with `algorithm` (`EVP_sha256()`, `EVP_md5()`).
    static func digest(_ bytes: some ContiguousBytes, _ algorithm: OpaquePointer?) -> [UInt8] {
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

    /// The SHA-256 of `data`, read in place.
    static func sha256(_ data: Data) -> [UInt8] { digest(data, EVP_sha256()) }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_md5()) }

    /// HMAC-SHA256 of `message` under `key` (libcrypto's `HMAC`).
    static func hmacSHA256(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { d in
                out.withUnsafeMutableBytes { o in
                    _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress?.assumingMemoryBound(to: UInt8.self),
                             d.count, o.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// Lower-case hex, two digits a byte.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { hex(sha256(bytes)) }

    /// The SHA-256 of the first `length` bytes of the open file `descriptor`, read with `pread`
    /// 64 KiB at a time (`EVP_DigestUpdate`), so a large file is never held whole; nil when the
    /// file cannot be read or ends early.
    static func sha256(fileDescriptor descriptor: Int32, length: Int) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var offset = 0
        while offset < length {
            let n = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, min($0.count, length - offset), off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            guard chunk.withUnsafeBytes({ EVP_DigestUpdate(context, $0.baseAddress, n) }) == 1 else { return nil }
            offset += n
        }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        guard out.withUnsafeMutableBufferPointer({ EVP_DigestFinal_ex(context, $0.baseAddress, &size) }) == 1 else { return nil }
        return Array(out.prefix(Int(size)))
    }
}
