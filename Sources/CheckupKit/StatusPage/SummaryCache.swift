import Foundation
import Synchronization

/// The summaries this process wrote last, kept parsed, so that a node that checks again and
/// again (`checkup every`) does not parse its own megabyte summary back every round.
///
/// A hit needs the stored bytes to be exactly those written: when another writer (or a
/// `checkup summarize`) changed the object, its bytes differ and it is parsed as usual.
final class SummaryCache: Sendable {
    /// The one cache of the process.
    static let shared = SummaryCache()
    /// Most summaries kept (a process writes one per store; tests use many stores).
    static let capacity = 4

    private struct Entry {
        var key: String
        var data: Data
        var summary: StatusSummary
    }

    private let entries = Mutex<[Entry]>([])

    /// The summary `data` holds, when this process wrote exactly `data` to `key`.
    func summary(_ key: String, _ data: Data) -> StatusSummary? {
        entries.withLock { list in list.last { $0.key == key && $0.data == data }?.summary }
    }

    /// Remembers that `data`, written to `key`, holds `summary`.
    func remember(_ key: String, _ data: Data, _ summary: StatusSummary) {
        entries.withLock { list in
            list.removeAll { $0.key == key }
            list.append(Entry(key: key, data: data, summary: summary))
            if list.count > Self.capacity { list.removeFirst(list.count - Self.capacity) }
        }
    }
}
