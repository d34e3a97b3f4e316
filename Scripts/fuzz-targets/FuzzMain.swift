import Foundation

// The libFuzzer entry point of checkup-fuzz, the one binary behind every Swift fuzz target.
// Scripts/fuzz compiles this file with Tests/CheckupKitTests/FuzzProperties.swift (the
// properties, shared with FuzzRegressionTests) against a CheckupKit built with
// `-sanitize=fuzzer,address -enable-testing`; libFuzzer supplies `main`. The environment
// variable CHECKUP_FUZZ_TARGET names the target (config, goduration, rfc3339, s3xml, dns).

/// The target this process fuzzes, chosen once from the environment.
let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["CHECKUP_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data("checkup-fuzz: set CHECKUP_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's callback: checks one input's property; a failure aborts, so libFuzzer saves the
/// input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let failure = selected.check(bytes) {
        FileHandle.standardError.write(Data("property failed (\(selected.name)): \(failure)\n".utf8))
        abort()
    }
    return 0
}
