import Foundation

// `checkup validate`: every problem of a config file at once, without running anything.

extension Checkup {
    /// Every problem of a `checkup.json` file, in the order the loader meets them, without
    /// running a check or touching the storage. Each is the error `init(configFile:)` would
    /// throw for it (`file: key.path: message`); the first is the one it throws. Within one
    /// checker, storage or notifier only the first problem is known: each is read as a whole.
    /// - Parameters:
    ///   - path: the file.
    ///   - environment: values for `$VAR` and `${VAR}` (an unset one is a problem).
    /// - Returns: the problems; empty when the file loads.
    public static func problems(inConfigFile path: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> [CheckupError] {
        do {
            let (data, name) = try readConfigFile(path)
            return problems(inConfigData: data, source: name, environment: environment)
        } catch {
            return [error]
        }
    }

    /// Every problem of the text of a `checkup.json`, as `problems(inConfigFile:)`.
    /// - Parameters:
    ///   - configData: the JSON.
    ///   - source: the name used in the messages.
    ///   - environment: values for `$VAR` and `${VAR}`.
    public static func problems(inConfigData configData: Data, source: String = "checkup.json",
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> [CheckupError] {
        let problems = ConfigProblems(collects: true)
        do {
            _ = try Checkup(configData: configData, source: source, environment: environment, problems: problems)
            return problems.errors
        } catch {
            return problems.errors + [error]  // the file as a whole: not JSON, not an object
        }
    }

    /// The bytes of a config file and the name its messages use (the file's last component).
    static func readConfigFile(_ path: String) throws(CheckupError) -> (data: Data, name: String) {
        let name = (path as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckupError(.config, "\(path): no such file (use -c to name the config file)")
        }
        if isDirectory.boolValue { throw CheckupError(.config, "\(path): is a directory, not a config file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckupError(.config, "\(path): cannot be read")
        }
        return (data, name)
    }
}
