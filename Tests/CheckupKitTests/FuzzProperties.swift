import Foundation
@testable import CheckupKit

// The properties the fuzz targets check (Scripts/fuzz builds Scripts/fuzz-targets, whose
// checkup-fuzz executable compiles this same file through a symlink) and that
// FuzzRegressionTests checks again for every seed and every input a fuzzer once found
// (testdata/fuzz/<target>/). Plain functions without a test framework: each returns nil when
// the property holds and otherwise a sentence saying how it failed. A crash is a failure too;
// the fuzzer catches that one itself.

/// One fuzz target: its name (its folder under testdata/fuzz/) and its property.
struct FuzzTarget: Sendable {
    var name: String
    var check: @Sendable ([UInt8]) -> String?

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "config", check: FuzzProperties.config),
        FuzzTarget(name: "goduration", check: FuzzProperties.goDuration),
        FuzzTarget(name: "rfc3339", check: FuzzProperties.rfc3339),
        FuzzTarget(name: "s3xml", check: FuzzProperties.s3XML),
        FuzzTarget(name: "dns", check: FuzzProperties.dnsAnswer),
    ]
}

enum FuzzProperties {
    /// The environment `$VAR` substitution sees while fuzzing: fixed, so that results repeat.
    static let environment = ["HOME": "/home/fuzz", "TOKEN": "t0k3n", "EMPTY": ""]

    // MARK: - checkup.json and JSON

    /// JSON: parsing any bytes gives a value or a `ParseError` (never a crash, however deep the
    /// nesting), and a parsed value survives writing and reading back. `checkup.json`: reading
    /// gives a checkup or a `.config` error, and writing what was read (`configData()`) then
    /// reading and writing again gives the same bytes: the writer's output is a fixed point.
    static func config(_ bytes: [UInt8]) -> String? {
        let data = Data(bytes)
        if let value = try? JSONValue.parse(data) {
            let encoded = value.encoded()
            guard let again = try? JSONValue.parse(encoded) else {
                return "JSON written by encoded() does not parse: \(printable(encoded))"
            }
            if again != value { return "JSON changes when written and read back: \(printable(encoded))" }
        }
        let first: Checkup
        do {
            first = try Checkup(configData: data, environment: environment)
        } catch let error as CheckupError {
            return error.code == .config ? nil : "reading threw a \(error.code) error, not a config error: \(error)"
        } catch {
            return "reading threw \(type(of: error)), not a CheckupError: \(error)"
        }
        let written: Data
        do { written = try first.configData() } catch { return "configData() of a read checkup throws: \(error)" }
        let second: Checkup
        do {
            second = try Checkup(configData: written, environment: environment)
        } catch {
            return "what configData() wrote does not read back: \(error)\nwritten: \(printable(written))"
        }
        guard let rewritten = try? second.configData() else { return "configData() of the re-read checkup throws" }
        if rewritten != written {
            return "read → write → read → write changes the file:\n\(printable(written))\n\(printable(rewritten))"
        }
        return nil
    }

    // MARK: - Go durations

    /// Go durations: text that parses formats to text that parses to the same nanoseconds; and
    /// any Int64 (the input's first 8 bytes) formats to text that parses back to it.
    static func goDuration(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        if let ns = GoDuration.parse(text) {
            let formatted = GoDuration.format(ns)
            guard let again = GoDuration.parse(formatted) else { return "\(quoted(text)) → \(ns) → \(formatted), which does not parse" }
            if again != ns { return "\(quoted(text)) → \(ns) → \(formatted) → \(again)" }
        }
        let n = int64(bytes)
        let formatted = GoDuration.format(n)
        if GoDuration.parse(formatted) != n { return "\(n) → \(formatted) → \(String(describing: GoDuration.parse(formatted)))" }
        return nil
    }

    // MARK: - RFC 3339

    /// RFC 3339: a time that parses formats to text that parses to the same instant, and only
    /// real calendar dates parse (so a UTC time without a leap second formats to its own date and
    /// time of day); any Int64 formats and parses back to itself.
    static func rfc3339(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        if let ns = RFC3339.parse(text) {
            let formatted = RFC3339.format(ns)
            guard let again = RFC3339.parse(formatted) else { return "\(quoted(text)) → \(ns) → \(formatted), which does not parse" }
            if again != ns { return "\(quoted(text)) → \(ns) → \(formatted) → \(again)" }
            let b = Array(text.utf8)
            var fields = Array(b.prefix(19))
            fields[10] = UInt8(ascii: "T")  // it parsed, so it has these 19 bytes; "t" or " " here reads as "T"
            let leapSecond = b[17] == UInt8(ascii: "6") && b[18] == UInt8(ascii: "0")
            let utc = b.last == UInt8(ascii: "Z") || b.last == UInt8(ascii: "z")
            if utc, !leapSecond, fields != Array(formatted.utf8.prefix(19)) {
                return "\(quoted(text)) is read as \(formatted): not a real date and time"
            }
        }
        let n = int64(bytes)
        let formatted = RFC3339.format(n)
        if RFC3339.parse(formatted) != n {  // Int64 nanoseconds span 1677 to 2262: four-digit years
            return "\(n) → \(formatted) → \(String(describing: RFC3339.parse(formatted)))"
        }
        return nil
    }

    // MARK: - S3's XML

    /// S3's XML answers (ListObjectsV2, DeleteObjects, errors): any bytes read without a crash, and
    /// the work is bounded by the input: no more elements than `<` in it, and no more text than
    /// the input's bytes (entities are not expanded past it).
    static func s3XML(_ bytes: [UInt8]) -> String? {
        let page = S3Client.listPage(bytes)
        let xml = XMLElements(bytes)
        let errors = xml.values("DeleteResult/Error/Key") + xml.values("Error/Code") + xml.values("ErrorResponse/Error/Code")
        let tags = bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "<") ? 1 : 0) }
        if xml.count > tags { return "\(xml.count) elements from \(tags) tags" }
        if xml.textLength > bytes.count { return "\(xml.textLength) bytes of text from a \(bytes.count)-byte document" }
        if page.objects.count > tags / 2 || errors.count > tags / 2 { return "more values than elements" }
        if let next = page.next, next.utf8.count > bytes.count { return "a continuation token longer than the document" }
        return nil
    }

    // MARK: - DNS answers

    /// Record types the DNS checker asks for, each parsed by c-ares.
    static let dnsTypes: [UInt16] = [1, 28, 5, 2, 12, 15, 33, 16, 6, 257]

    /// DNS answers: any bytes, parsed as the answer to each record type the checker supports,
    /// give records, no records or a failure, never a crash, and no more records than the
    /// message has room for (an answer record takes at least 11 bytes).
    static func dnsAnswer(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { answer in
            for type in dnsTypes {
                if case .records(let records) = DNSRecordParser.records(type: type, in: answer),
                   records.count > max(1, answer.count / 11) {
                    return "type \(type): \(records.count) records from \(answer.count) bytes"
                }
            }
            return nil
        }
    }

    // MARK: - helpers

    /// The input's first 8 bytes as a little-endian Int64 (zero-padded).
    static func int64(_ bytes: [UInt8]) -> Int64 {
        var v: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return Int64(bitPattern: v)
    }

    static func quoted(_ s: String) -> String { String(reflecting: s) }

    static func printable(_ data: Data) -> String {
        let text = String(decoding: data.prefix(400), as: UTF8.self)
        return data.count > 400 ? text + "…" : text
    }
}
