internal import CZlib
import Foundation

/// gzip (RFC 1952) through zlib: `checkup serve` compresses the page's text files and the
/// summaries for browsers that accept it, and S3 stores summaries compressed.
enum Gzip {
    /// Whether `bytes` start with gzip's magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// `bytes` compressed at `level` (zlib's 1–9; 6 is its default balance).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // Only a bad level or no memory fails; the level is ours.
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)  // deflateBound leaves room for it all at once
            }
        }
        guard status == Z_STREAM_END else { return [] }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// The content of gzip data, at most `limit` bytes of it.
    /// - Throws: `CheckupError` (`.storage`) for data that is not gzip, is corrupt or too large.
    static func decompress(_ bytes: [UInt8], limit: Int = 256 << 20) throws(CheckupError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw CheckupError(.storage, "gzip: cannot start zlib") }
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while status == Z_OK {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[..<produced])
                if output.count > limit { status = Z_MEM_ERROR }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }  // truncated input
            }
        }
        guard status == Z_STREAM_END else {
            throw CheckupError(.storage, output.count > limit ? "gzip: more than \(limit) bytes" : "gzip: corrupt or truncated data")
        }
        return output
    }

    /// The first `length` bytes of the open file `descriptor`, compressed at `level` while they
    /// are read with `pread` 64 KiB at a time, so a large file is never held whole; nil when the
    /// file cannot be read or ends early. The result's capacity is its size.
    static func compress(fileDescriptor descriptor: Int32, length: Int, level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        guard czlib_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var input = [UInt8](repeating: 0, count: 64 << 10)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var output: [UInt8] = []
        var offset = 0
        var status = Z_OK
        while status == Z_OK {
            let n = input.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, min($0.count, length - offset), off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 || offset == length else { return nil }
            offset += n
            let flush = offset == length ? Z_FINISH : Z_NO_FLUSH
            input.withUnsafeMutableBufferPointer { inBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(n)
                repeat {  // until deflate has taken all of this input (and, at the end, written all)
                    let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                        stream.next_out = outBuffer.baseAddress
                        stream.avail_out = uInt(outBuffer.count)
                        status = deflate(&stream, flush)
                        return outBuffer.count - Int(stream.avail_out)
                    }
                    output.append(contentsOf: chunk[..<produced])
                } while status == Z_OK && (stream.avail_out == 0 || stream.avail_in > 0 || flush == Z_FINISH)
            }
            if status == Z_BUF_ERROR && flush != Z_FINISH { status = Z_OK }  // no progress possible: read on
        }
        guard status == Z_STREAM_END else { return nil }
        return [UInt8](unsafeUninitializedCapacity: output.count) { buffer, count in
            count = output.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
    }
}
