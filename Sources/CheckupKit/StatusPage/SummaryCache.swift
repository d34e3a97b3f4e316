import Foundation
import Synchronization

/// The summaries this process wrote last, kept parsed, so that a node that checks again and
/// again (`checkup every`) does not parse its own megabyte summary back every round.
///
/// A hit needs the stored bytes to be exactly those written (the same length and SHA-256, so
/// the cache holds no copy of them): when another writer (or a `checkup summarize`) changed the
/// object, its bytes differ and it is parsed as usual.
final class SummaryCache: Sendable {
    /// The one cache of the process.
    static let shared = SummaryCache()
    /// Most summaries kept (a process writes one per store; tests use many stores).
    static let capacity = 4

    private struct Entry {
        var key: String
        var length: Int
        var digest: [UInt8]
        var summary: StatusSummary
    }

    private let entries = Mutex<[Entry]>([])

    /// The summary `data` holds, when this process wrote exactly `data` to `key`. It is taken
    /// out of the cache, so the caller changes the only copy in place (`remember` puts the new
    /// one back); a caller that fails to write parses the stored summary next time.
    func take(_ key: String, _ data: Data) -> StatusSummary? { find(key, data, removing: true) }

    /// The summary `data` holds, when this process wrote exactly `data` to `key`, left in the
    /// cache: for a reader that changes nothing (the badges after a round).
    func peek(_ key: String, _ data: Data) -> StatusSummary? { find(key, data, removing: false) }

    private func find(_ key: String, _ data: Data, removing: Bool) -> StatusSummary? {
        guard entries.withLock({ list in list.contains { $0.key == key && $0.length == data.count } }) else { return nil }
        let digest = Digest.sha256(data)  // outside the lock: a megabyte takes a millisecond
        return entries.withLock { list in
            guard let i = list.lastIndex(where: { $0.key == key && $0.length == data.count && $0.digest == digest }) else { return nil }
            return removing ? list.remove(at: i).summary : list[i].summary
        }
    }

    /// Remembers that `data`, written to `key`, holds `summary`.
    func remember(_ key: String, _ data: Data, _ summary: StatusSummary) {
        let digest = Digest.sha256(data)
        entries.withLock { list in
            list.removeAll { $0.key == key }
            list.append(Entry(key: key, length: data.count, digest: digest, summary: summary))
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
        }
    }
}
