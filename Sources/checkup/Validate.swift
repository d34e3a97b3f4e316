import CheckupKit
import Foundation

// `checkup validate` and `checkup init`: a config checked without running it, and a first one written.

extension Invocation {
    /// `checkup validate`: every problem of the config file, one a line on standard output as
    /// `file: key.path: message` (the loader's own words), and a count on standard error;
    /// 1 when there is any. A good file gets one line that says so.
    func validate() -> Int32 {
        let problems = Checkup.problems(inConfigFile: configPath)
        guard !problems.isEmpty else {
            do {
                let checkup = try Checkup(configFile: configPath)
                let n = checkup.checkers.count
                print("\(configPath): ok (\(n) checker\(n == 1 ? "" : "s")\(checkup.storage == nil ? ", no storage" : ""))")
                return 0
            } catch {
                printError("checkup: \((error as? CheckupError)?.message ?? "\(error)")")  // not expected: validate found nothing
                return 1
            }
        }
        for problem in problems {
            print(terminalSafe(problem.message))
        }
        fflush(nil)
        printError("checkup: \(configPath): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return 1
    }

    /// `checkup init URL…`: writes a starter config to the config path, never over a file that
    /// is there, and says what to run next.
    func initialize(_ urls: [String]) throws {
        var starter = try StarterConfig(urls: urls)
        starter.schema = schemaReference(from: (configPath as NSString).deletingLastPathComponent)
        // O_EXCL: a file that appears between a check and the write is not replaced either.
        let fd = open(configPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "already exists; init never replaces a config (remove it, or name another file with -c)"
                                         : String(cString: strerror(errno))
            throw CheckupError(.config, "\(configPath): \(reason)")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: Data(starter.text.utf8))
        try handle.close()
        let flag = configPath == "checkup.json" ? "" : " -c \(configPath)"
        print("""
        Wrote \(configPath) with \(urls.count) http checker\(urls.count == 1 ? "" : "s") (\(starter.names.joined(separator: ", "))) \
        and fs storage in ./\(StarterConfig.directory). Next:
          checkup\(flag) validate        check the file after editing it
          checkup\(flag)                 check every endpoint once and print the results
          checkup\(flag) --store         check once and store the results
          checkup\(flag) every 1m        check and store every minute (see contrib/ for systemd and cron)
          checkup\(flag) serve           serve the status page at http://localhost:3000/
        """)
    }
}

/// Where a config written into `directory` finds the JSON Schema: ./contrib/checkup.schema.json,
/// else one beside or above the binary (`contrib/` of a checkout, `share/checkup/` of an
/// install), as a path relative to `directory` when it lies below it, else a `file://` URL;
/// empty when there is none.
private func schemaReference(from directory: String) -> String {
    let fm = FileManager.default
    var candidates = ["contrib/checkup.schema.json"]
    var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        candidates += ["contrib", "share/checkup"].map { dir.appendingPathComponent($0 + "/checkup.schema.json").path }
        dir.deleteLastPathComponent()
    }
    guard let found = candidates.first(where: { fm.fileExists(atPath: $0) }) else { return "" }
    let absolute = URL(fileURLWithPath: found).standardizedFileURL.path
    let base = URL(fileURLWithPath: directory.isEmpty ? "." : directory).standardizedFileURL.path
    if absolute.hasPrefix(base + "/") { return String(absolute.dropFirst(base.count + 1)) }
    return URL(fileURLWithPath: absolute).absoluteString
}
