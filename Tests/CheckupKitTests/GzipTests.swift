import Foundation
import Testing
@testable import CheckupKit

@Suite struct GzipTests {
    /// Runs Debian's gzip on `input` with `arguments`, returning its output.
    func gzipTool(_ arguments: [String], _ input: [UInt8]) throws -> [UInt8] {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/in"
        try Data(input).write(to: URL(fileURLWithPath: path))
        let run = try runProgram("/bin/sh", ["-c", "gzip \(arguments.joined(separator: " ")) < '\(path)' | base64 -w0"])
        #expect(run.status == 0, "\(run.stderr)")
        return [UInt8](Data(base64Encoded: run.stdout) ?? Data())
    }

    @Test func compressedDataIsWhatGzipReadsAndBack() throws {
        let text = [UInt8]((0..<5000).map { "line \($0): \(["healthy", "down", "degraded"][$0 % 3])\n" }.joined().utf8)
        let packed = Gzip.compress(text)
        #expect(Gzip.isCompressed(packed))
        #expect(packed.count < text.count / 4)
        #expect(try gzipTool(["-dc"], packed) == text)
        #expect(try Gzip.decompress(try gzipTool(["-c9"], text)) == text)
        #expect(try Gzip.decompress(Gzip.compress([])) == [])
    }

    @Test func corruptTruncatedOrOversizedDataIsAnErrorNotACrash() {
        let packed = Gzip.compress([UInt8](repeating: 65, count: 100_000))
        #expect(throws: CheckupError.self) { try Gzip.decompress(Array(packed.prefix(packed.count / 2))) }
        #expect(throws: CheckupError.self) { try Gzip.decompress([0x1F, 0x8B, 1, 2, 3]) }
        #expect(throws: CheckupError.self) { try Gzip.decompress(Array("plain".utf8)) }
        #expect(throws: CheckupError.self) { try Gzip.decompress(packed, limit: 1000) }
    }

    @Test func acceptEncodingIsReadAsRFC9110Says() {
        #expect(StatusPageServer.acceptsGzip("gzip, deflate, br"))
        #expect(StatusPageServer.acceptsGzip("br;q=1.0, gzip;q=0.8"))
        #expect(!StatusPageServer.acceptsGzip("gzip;q=0"))
        #expect(!StatusPageServer.acceptsGzip("br"))
        #expect(!StatusPageServer.acceptsGzip(nil))
        #expect(StatusPageServer.acceptsGzip("*"))
    }
}
