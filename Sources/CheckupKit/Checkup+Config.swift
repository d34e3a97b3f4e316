import Foundation

// Reading and writing `checkup.json`, symmetric with the Go original's `UnmarshalJSON` and
// `MarshalJSON`: same keys, same order, same discriminators.

extension Checkup {
    /// The checker types `checkup.json` can name, by their `"type"`.
    static let checkerTypes: [String: any JSONConfigurable.Type] = [
        HTTPChecker.typeName: HTTPChecker.self,
        TCPChecker.typeName: TCPChecker.self,
        ExecChecker.typeName: ExecChecker.self,
        TLSChecker.typeName: TLSChecker.self,
        DNSChecker.typeName: DNSChecker.self,
        HeartbeatChecker.typeName: HeartbeatChecker.self,
        DomainChecker.typeName: DomainChecker.self,
    ]
    /// The storage types, by their `"type"` (or 2016 `"provider"`).
    static let storageTypes: [String: any JSONConfigurable.Type] = [
        FileSystemStorage.typeName: FileSystemStorage.self,
        S3Storage.typeName: S3Storage.self,
    ]
    /// Types the original knows that checkup does not (yet) run, for a clearer error.
    static let foreignStorageTypes: Set = ["github", "sql", "postgres", "mysql", "sqlite3", "appinsights"]

    /// Loads a checkup from a `checkup.json` file.
    /// - Parameters:
    ///   - path: the file.
    ///   - environment: values for `$VAR` and `${VAR}` in string values.
    /// - Throws: `CheckupError` (`.config`) naming the file, the key path and what is wrong.
    public init(configFile path: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let (data, name) = try Self.readConfigFile(path)
        try self.init(configData: data, source: name, environment: environment)
    }

    /// Reads a checkup from the text of a `checkup.json`.
    /// - Parameters:
    ///   - configData: the JSON.
    ///   - source: the name used in error messages.
    ///   - environment: values for `$VAR` and `${VAR}` in string values.
    /// - Throws: `CheckupError` (`.config`) naming the key path and what is wrong.
    public init(configData: Data, source: String = "checkup.json",
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try self.init(configData: configData, source: source, environment: environment, problems: ConfigProblems(collects: false))
    }

    /// Reads a checkup, handing each independent part's error to `problems`: thrown at once
    /// (the loader), or kept while the rest is read with that part left out (`validate`). The
    /// parts are each top-level key and each element of `checkers`, `canary`, `storage` and
    /// `notifiers`; within one element only its first error is known, as each `init(config:)`
    /// stops there. Strict or not, the parts are read in the same order, so the first problem
    /// kept is the one the loader throws.
    init(configData: Data, source: String, environment: [String: String], problems: ConfigProblems) throws(CheckupError) {
        let value: JSONValue
        do { value = try JSONValue.parse(configData) } catch {
            throw CheckupError(.config, "\(source): \((error as? JSONValue.ParseError)?.message ?? "invalid JSON")")
        }
        guard let top = value.objectValue else {
            throw CheckupError(.config, "\(source): is \(value.kindName), expected a JSON object")
        }
        let c = ConfigReader(object: top, path: "", file: source, environment: environment)
        self.init(checkers: [])

        concurrentChecks = try problems.step(0) { () throws(CheckupError) in try c.nonNegativeInt("concurrent_checks") }
        timestamp = try problems.step(nil) { () throws(CheckupError) -> Int64? in
            guard let text = try c.string("timestamp"), text != RFC3339.zero, !text.isEmpty else { return nil }
            guard let ns = RFC3339.parse(text) else {
                if RFC3339.isOutOfRange(text) {
                    throw c.error("timestamp", "\(c.shown("timestamp")) is out of range (checkup's times run from \(RFC3339.format(.min)) to \(RFC3339.format(.max)))")
                }
                throw c.error("timestamp", "\(c.shown("timestamp")) is not an RFC 3339 time such as \"2016-09-01T12:00:00Z\"")
            }
            return ns
        }
        if case .string(let schema)? = top["$schema"] { configOptions.schema = schema }

        let read = try Self.checkerList(c, "checkers", problems)
        checkers = read.map(\.checker)
        for (element, checker) in read where element.object["quorum"] != nil {
            quorums[checker.name] = try problems.step(nil) { () throws(CheckupError) in try element.nonNegativeInt("quorum") }
        }
        for (element, checker) in read where element.object["group"] != nil {
            groups[checker.name] = try problems.step(nil) { () throws(CheckupError) in try Self.group(element) }
        }
        canary = try Self.checkerList(c, "canary", problems).map(\.checker)

        let stored = try problems.step(nil) { () throws(CheckupError) -> (key: String, storage: (any Storage)?)? in
            if case .object(let object)? = top["storage"] {
                let reader = c.child(object, at: "storage")
                let type = try Self.discriminator(reader, keys: ["type", "provider"], kind: "storage",
                                                  known: Self.storageTypes.keys.sorted(), later: Self.foreignStorageTypes)
                return (type.key, try Self.storageTypes[type.value]!.init(config: reader) as? any Storage)  // all are Storage
            } else if let other = top["storage"], other != .null {
                throw c.error("storage", "\(other.asFound), expected an object")
            }
            return nil
        }
        if let stored {
            storage = stored.storage
            configOptions.storageTypeKey = stored.key
        }
        if top["storage"] == nil || top["storage"] == .null {
            for (element, checker) in read where checker is HeartbeatChecker {
                try problems.step(()) { () throws(CheckupError) in
                    throw element.error(nil, "a heartbeat checker needs a storage: checkup push writes its heartbeats into the store")
                }
            }
        }

        var notifierElements: [(JSONObject, String)] = []
        try problems.step(()) { () throws(CheckupError) in
            if case .object(let object)? = top["notifier"] {
                notifierElements.append((object, "notifier"))
            } else if let other = top["notifier"], other != .null {
                throw c.error("notifier", "\(other.asFound), expected an object")
            }
        }
        for (i, element) in try Self.elements(c, "notifiers", problems) {
            notifierElements.append((element, "notifiers[\(i)]"))
        }
        configOptions.statusPageURL = try problems.step("") { () throws(CheckupError) in
            let url = try c.string("status_page_url") ?? ""
            if !url.isEmpty, let problem = httpURLProblem(url) { throw c.error("status_page_url", "\(c.shown("status_page_url")) \(problem)") }
            return url
        }
        configOptions.stateFile = try problems.step("") { () throws(CheckupError) in
            let file = try c.string("state_file") ?? ""
            if !file.isEmpty, let problem = FileStateStore.problem(path: file) { throw c.error("state_file", "\(c.shown("state_file")) \(problem)") }
            return file
        }
        origin = try problems.step("") { () throws(CheckupError) in
            let origin = try c.string("origin") ?? ""
            if !origin.isEmpty, let problem = originProblem(origin) { throw c.error("origin", "\(c.shown("origin")) \(problem)") }
            return origin
        }
        location = try problems.step("") { () throws(CheckupError) in
            let location = try c.string("location") ?? ""
            if let problem = textProblem(location) ?? (location.count > 100 ? "is longer than 100 characters" : nil) {
                throw c.error("location", "\(c.shown("location")) \(problem)")
            }
            return location
        }
        quorum = try problems.step(0) { () throws(CheckupError) in try c.nonNegativeInt("quorum") }
        staleAfter = try problems.step(.zero) { () throws(CheckupError) in try c.duration("stale_after") }
        maintenance = try problems.step([]) { () throws(CheckupError) in try Self.maintenancePlans(c) }
        let store = notifierElements.isEmpty ? nil : notificationStateStore()
        for (index, (object, path)) in notifierElements.enumerated() {
            let reader = c.child(object, at: path)
            let notifier = try problems.step(nil) { () throws(CheckupError) -> AlertingNotifier? in
                let type = try Self.discriminator(reader, keys: ["type", "name"], kind: "notifier",
                                                  known: AlertingNotifier.senderTypes.keys.sorted())
                return try AlertingNotifier(config: reader, type: type.value, stateStore: store,
                                            stateKey: "\(index):\(type.value)", statusPageURL: configOptions.statusPageURL)
            }
            guard var notifier else { continue }
            notifier.claims = alertClaims()
            notifier.origin = resolvedOrigin
            if staleAfter > .zero { notifier.claimWindow = staleAfter }
            notifiers.append(notifier)
        }
        secrets = c.substitutions.all
    }

    /// Where notifiers keep their state: `state_file` when set, else beside the check files (one
    /// file or object per node, so nodes never write the same one), else ./checkup-notifier-state.json.
    func notificationStateStore() -> any NotificationStateStore {
        if !configOptions.stateFile.isEmpty { return FileStateStore(path: configOptions.stateFile) }
        let name = "checkup-notifier-state-\(resolvedOrigin).json"
        if let fs = storage as? FileSystemStorage { return FileStateStore(path: fs.path("." + name)) }
        if let s3 = storage as? S3Storage { return S3StateStore(client: { try s3.client() }, key: "checkup-state/" + name) }
        return FileStateStore(path: "checkup-notifier-state.json")
    }

    /// Where the nodes of this store claim alerts: `claims/` beside the check files; none without storage.
    func alertClaims() -> (any AlertClaims)? {
        if let fs = storage as? FileSystemStorage { return FileClaims(directory: fs.path("claims")) }
        if let s3 = storage as? S3Storage { return S3Claims(client: { try s3.client() }, prefix: "claims/") }
        return nil
    }

    /// `checkerTypes`' names, sorted, as errors list them.
    private static let checkerTypeNames = checkerTypes.keys.sorted()

    /// A name or address as it tells two checkers apart: a string as it is (the common case,
    /// without quoting it), anything else as JSON.
    private static func identityPart(_ value: JSONValue) -> String {
        if case .string(let s) = value { return "s" + s }
        return "j" + value.shortText
    }

    /// The checkers of an array key (`checkers`, `canary`), each with its element's reader.
    /// Two of one type with the same name and address are an error: the page, the summaries and
    /// the alerts could not tell them apart.
    private static func checkerList(_ c: ConfigReader, _ key: String,
                                    _ problems: ConfigProblems) throws(CheckupError) -> [(object: ConfigReader, checker: any Checker)] {
        var list: [(object: ConfigReader, checker: any Checker)] = []
        var seen: [String: Int] = [:]
        for (i, element) in try elements(c, key, problems) {
            let reader = c.child(element, at: "\(key)[\(i)]")
            try problems.step(()) { () throws(CheckupError) in
                let type = try discriminator(reader, keys: ["type"], kind: "checker", known: checkerTypeNames)
                // The discriminator was looked up in checkerTypes, and all of them are checkers.
                let checker = try checkerTypes[type.value]!.init(config: reader) as! any Checker
                let name = element["endpoint_name"] ?? element["name"] ?? .null, address = element["endpoint_url"] ?? element["command"] ?? element["domain"] ?? .null
                let identity = "\(type.value) \(identityPart(name)) \(identityPart(address))"
                if let first = seen[identity] {
                    throw reader.error(nil, "\(name.shortText) at \(address.shortText) repeats \(key)[\(first)]; the page and alerts could not tell them apart")
                }
                seen[identity] = i
                list.append((reader, checker))
            }
        }
        return list
    }

    /// The objects of an array key such as `checkers`, with their indices; an element that is
    /// not an object is a problem of its own.
    private static func elements(_ c: ConfigReader, _ key: String,
                                 _ problems: ConfigProblems) throws(CheckupError) -> [(Int, JSONObject)] {
        try problems.step([]) { () throws(CheckupError) -> [(Int, JSONObject)] in
            switch c.object[key] {
            case nil, .null?: return []
            case .array(let items)?:
                var out: [(Int, JSONObject)] = []
                for (i, item) in items.enumerated() {
                    try problems.step(()) { () throws(CheckupError) in
                        guard case .object(let o) = item else { throw c.error("\(key)[\(i)]", "\(item.asFound), expected an object") }
                        out.append((i, o))
                    }
                }
                return out
            case let other?: throw c.error(key, "\(other.asFound), expected an array")
            }
        }
    }

    /// Reads an element's type discriminator and checks that checkup knows it.
    private static func discriminator(_ c: ConfigReader, keys: [String], kind: String, known: [String],
                                      later: Set<String> = []) throws(CheckupError) -> (key: String, value: String) {
        guard let key = keys.first(where: { c.object[$0] != nil }) else {
            let list = known.isEmpty ? "" : " (one of: \(known.joined(separator: ", ")))"
            throw c.error(keys[0], "is missing; say which \(kind) this is\(list)")
        }
        let value = try c.string(key) ?? ""
        if known.contains(value) { return (key, value) }
        if later.contains(value) {
            throw c.error(key, "\"\(value)\" is a \(kind) type of the original checkup that this build does not support yet")
        }
        let list = known.isEmpty ? "" : " (one of: \(known.joined(separator: ", ")))"
        throw c.error(key, "\(JSONValue.string(value).shortText) is not a known \(kind) type\(list)")
    }

    /// The JSON of this checkup as the Go original writes it: keys `notifiers`, `storage`,
    /// `checkers`, `concurrent_checks`, `timestamp`, each element led by its `"type"`, no trailing
    /// newline, a `$` in a string written `$$`. Reading it back gives an equal checkup.
    /// - Throws: `CheckupError` (`.config`) when a checker, storage or notifier is a custom type
    ///   that has no JSON form.
    public func configData() throws -> Data {
        var top = JSONObject()
        if let storage {
            guard let configurable = storage as? any JSONConfigurable else {
                throw CheckupError(.config, "storage: \(type(of: storage)) cannot be written to checkup.json")
            }
            top.append("storage", .object(Self.element(configurable, key: configOptions.storageTypeKey)))
        }
        if !checkers.isEmpty {
            var elements = try Self.checkerElements(checkers, "checkers")
            for (i, checker) in checkers.enumerated() {
                if let q = quorums[checker.name], case .object(var o) = elements[i] {
                    o.append("quorum", .int(Int64(q)))
                    elements[i] = .object(o)
                }
                if let g = groups[checker.name], case .object(var o) = elements[i] {
                    o.append("group", .string(g))
                    elements[i] = .object(o)
                }
            }
            top.append("checkers", .array(elements))
        }
        if !notifiers.isEmpty {
            var list: [JSONValue] = []
            for (i, notifier) in notifiers.enumerated() {
                guard let element = (notifier as? AlertingNotifier)?.configElement else {
                    throw CheckupError(.config, "notifiers[\(i)]: \(type(of: notifier)) cannot be written to checkup.json")
                }
                list.append(.object(element))
            }
            top.pairs.insert(("notifiers", .array(list)), at: 0)
        }
        if concurrentChecks != 0 { top.append("concurrent_checks", .int(Int64(concurrentChecks))) }
        if let timestamp {
            top.append("timestamp", .string(RFC3339.format(timestamp)))
        } else {
            top.append("timestamp", .string(RFC3339.zero))
        }
        // checkup's own keys come after the original's.
        if !configOptions.statusPageURL.isEmpty { top.append("status_page_url", .string(configOptions.statusPageURL)) }
        if !configOptions.stateFile.isEmpty { top.append("state_file", .string(configOptions.stateFile)) }
        if !origin.isEmpty { top.append("origin", .string(origin)) }
        if !location.isEmpty { top.append("location", .string(location)) }
        if quorum != 0 { top.append("quorum", .int(Int64(quorum))) }
        if staleAfter != .zero { top.append("stale_after", .int(staleAfter.nanoseconds)) }
        if !maintenance.isEmpty { top.append("maintenance", Self.maintenanceElements(maintenance)) }
        if !canary.isEmpty { top.append("canary", .array(try Self.checkerElements(canary, "canary"))) }
        // An editor's `$schema` leads, where it was written (the Go tool ignores it).
        if !configOptions.schema.isEmpty { top.pairs.insert(("$schema", .string(configOptions.schema)), at: 0) }
        // Every string was read with `$VAR` substituted: a `$` left in one is a literal `$`.
        return JSONValue.object(top).escapingDollars.encoded()
    }

    private static func checkerElements(_ list: [any Checker], _ key: String) throws -> [JSONValue] {
        var elements: [JSONValue] = []
        for (i, checker) in list.enumerated() {
            guard let configurable = checker as? any JSONConfigurable else {
                throw CheckupError(.config, "\(key)[\(i)]: \(type(of: checker)) cannot be written to checkup.json")
            }
            elements.append(.object(element(configurable, key: "type")))
        }
        return elements
    }

    private static func element(_ value: any JSONConfigurable, key: String) -> JSONObject {
        JSONObject([(key, .string(type(of: value).typeName))] + value.configObject.pairs)
    }
}
