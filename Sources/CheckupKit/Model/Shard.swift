/// One of `count` slices of a config's checkers (`--shard INDEX/COUNT`), so that several
/// processes or machines split a very large checker list and all write into one store.
///
/// A checker belongs to the slice its name hashes to (FNV-1a, the same on every machine and in
/// every process), so adding or removing a checker moves no other checker to another slice.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// Which slice, from 1 to `count`.
    public var index: Int
    /// How many slices.
    public var count: Int

    /// Reads `INDEX/COUNT`, such as `2/4`.
    /// - Throws: `CheckupError` (`.usage`) saying what is wrong with `text`.
    public init(parsing text: String) throws(CheckupError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw CheckupError(.usage, "--shard: \"\(text)\" is not INDEX/COUNT, such as 1/4")
        }
        guard count >= 1, count <= 10_000, index >= 1, index <= count else {
            throw CheckupError(.usage, "--shard: \"\(text)\" needs 1 ≤ INDEX ≤ COUNT ≤ 10000")
        }
        self.index = index
        self.count = count
    }

    /// `INDEX/COUNT`.
    public var description: String { "\(index)/\(count)" }

    /// Whether the checker called `name` is in this slice.
    public func contains(_ name: String) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count)) == index - 1
    }
}
