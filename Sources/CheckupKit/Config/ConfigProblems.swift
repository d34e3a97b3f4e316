/// Where the reading of a `checkup.json` puts its errors: either the first is thrown at once (the
/// loader), or every one is kept and reading goes on without the part at fault (`validate`).
final class ConfigProblems {
    /// Whether errors are kept rather than thrown.
    let collects: Bool
    /// The errors kept so far, in the order they were found.
    private(set) var errors: [CheckupError] = []

    init(collects: Bool) { self.collects = collects }

    /// Runs one independent part of the reading. Its error is thrown, or, when collecting, kept
    /// and `fallback` returned in the part's place.
    func step<T>(_ fallback: T, _ body: () throws(CheckupError) -> T) throws(CheckupError) -> T {
        do throws(CheckupError) {
            return try body()
        } catch {
            guard collects else { throw error }
            errors.append(error)
            return fallback
        }
    }
}
