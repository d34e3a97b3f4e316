import Foundation

/// Writes a ready-to-host copy of the status page (`checkup statuspage`): the page's files and a
/// `js/config.js` whose `storage` points at where the store can be fetched anonymously.
public struct StatusPageExport: Sendable {
    /// The page folder to copy (index.html, css/, js/, images/).
    public var pageDirectory: String
    /// The store's base URL as the page will fetch it, e.g. `https://bucket.s3.amazonaws.com/`.
    public var storageURL: String
    /// `fs` or `s3`: how the page lists check files when a store has no summaries yet.
    public var storageType: String

    /// Creates an export of `pageDirectory` reading the store at `storageURL`, less any user-info:
    /// the page's files are public.
    public init(pageDirectory: String, storageURL: String, storageType: String) {
        self.pageDirectory = pageDirectory
        self.storageURL = URLRedaction.withoutUserInfo(storageURL)
        self.storageType = storageType
    }

    /// An export for `storage`: S3 is read at its HTTPS address (path style for an `endpoint`
    /// or a bucket name with dots, where a virtual host's certificate cannot match); fs at its
    /// `url`, else at the relative path from `outputDirectory` to the storage directory.
    /// - Throws: `CheckupError` (`.config`) for a storage the page cannot read.
    public init(pageDirectory: String, storage: any Storage, outputDirectory: String, url: String? = nil) throws(CheckupError) {
        if let s3 = storage as? S3Storage {
            self.init(pageDirectory: pageDirectory, storageURL: url ?? s3.bucketURL, storageType: "s3")
        } else if let fs = storage as? FileSystemStorage {
            let base = url ?? (fs.url.isEmpty ? Self.relativePath(from: outputDirectory, to: fs.directory) : fs.url)
            self.init(pageDirectory: pageDirectory, storageURL: base, storageType: "fs")
        } else {
            guard let url else {
                throw CheckupError(.config, "statuspage: the page cannot read this storage type; pass --url with the address of its files")
            }
            self.init(pageDirectory: pageDirectory, storageURL: url, storageType: "fs")
        }
    }

    /// The page's own `js/config.js` (`template`) with its `storage: { … }` object replaced by
    /// one that reads `storageURL` anonymously; every other setting (title, texts, refresh) stays
    /// as the page has it.
    /// - Throws: `CheckupError` (`.config`) when the template has no `storage: { … }` object.
    public func configScript(template: String) throws(CheckupError) -> String {
        // config.js is public: a store address never carries user-info there.
        let url = String(decoding: JSONValue.string(URLRedaction.withoutUserInfo(storageURL)).encoded(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = template.range(of: "\n  storage: {"),
              let close = template.range(of: "}", range: key.upperBound..<template.endIndex) else {
            throw CheckupError(.config, "statuspage: js/config.js has no \"storage: { … }\" setting to fill in")
        }
        let storage = "\n  storage: {\n    type: '\(storageType)',\n    url: \(url)\n  }"
        return template.replacingCharacters(in: key.lowerBound..<close.upperBound, with: storage)
    }

    /// Copies the page into `directory` (created when missing) and writes its `js/config.js`.
    /// Returns the paths written, relative to `directory`.
    /// - Throws: `CheckupError` (`.storage`) naming the file that could not be read or written.
    @discardableResult
    public func write(to directory: String) throws(CheckupError) -> [String] {
        let fm = FileManager.default
        let source = URL(fileURLWithPath: pageDirectory).standardizedFileURL
        guard fm.fileExists(atPath: source.appendingPathComponent("index.html").path) else {
            throw CheckupError(.config, "statuspage: \(pageDirectory) has no index.html")
        }
        var written: [String] = []
        guard let walker = fm.enumerator(atPath: source.path) else {
            throw CheckupError(.storage, "\(pageDirectory): cannot be read")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: source.appendingPathComponent(relative).path, isDirectory: &isDirectory)
            if name.hasPrefix(".") || name.hasSuffix(".md") {
                if isDirectory.boolValue { walker.skipDescendants() }
                continue
            }
            if !isDirectory.boolValue && relative != "js/config.js" { files.append(relative) }
        }
        guard let template = fm.contents(atPath: source.appendingPathComponent("js/config.js").path) else {
            throw CheckupError(.storage, "\(pageDirectory)/js/config.js: cannot be read")
        }
        let config = try configScript(template: String(decoding: template, as: UTF8.self))
        for relative in files.sorted() {
            guard let data = fm.contents(atPath: source.appendingPathComponent(relative).path) else {
                throw CheckupError(.storage, "\(pageDirectory)/\(relative): cannot be read")
            }
            try Self.writeFile(directory, relative, data)
            written.append(relative)
        }
        try Self.writeFile(directory, "js/config.js", Data(config.utf8))
        written.append("js/config.js")
        return written
    }

    private static func writeFile(_ directory: String, _ relative: String, _ data: Data) throws(CheckupError) {
        let target = URL(fileURLWithPath: directory).appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw CheckupError(.storage, "writing \(target.path): \((error as NSError).localizedDescription)")
        }
        try AtomicFile.replace(target.path, with: data)
    }

    /// The relative URL path from directory `from` to directory `to`, ending in `/`.
    static func relativePath(from: String, to: String) -> String {
        let a = URL(fileURLWithPath: from).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: to).standardizedFileURL.pathComponents
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let up = Array(repeating: "..", count: a.count - common)
        let parts = up + b[common...]
        return parts.isEmpty ? "./" : parts.joined(separator: "/") + "/"
    }
}
