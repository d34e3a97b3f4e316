import CheckupKit
import Foundation
import Synchronization

/// How far long work has come, drawn on one line of standard error when it is a terminal
/// (`isatty`), and never otherwise: a pipe, a file, cron's mail and the journal get nothing.
/// The line is redrawn at most ten times a second and erased when the work is done, so what the
/// command prints afterwards starts on a clean line.
final class TerminalProgress: Sendable {
    /// Whether progress is drawn: standard error is a terminal that can move the cursor back.
    static var isWanted: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
    }
    private let state = Mutex(State())
    private let verb: String

    /// Progress of work described by `verb` ("checking", "reading"); nil when not wanted.
    static func make(_ verb: String) -> TerminalProgress? { isWanted ? TerminalProgress(verb) : nil }

    private init(_ verb: String) { self.verb = verb }

    /// The sink to hand the library.
    var sink: ProgressSink {
        ProgressSink { [self] done, total, step in self.draw(done, total, step) }
    }

    private func draw(_ done: Int, _ total: Int, _ step: String) {
        let now = ContinuousClock.now
        let line: String? = state.withLock { state in
            // The first report, the last, and otherwise one a tenth of a second.
            if let last = state.lastDraw, done < total, now - last < .milliseconds(100) { return nil }
            state.lastDraw = now
            state.drawn = true
            let name = step.count > 40 ? String(step.prefix(39)) + "…" : step
            return "\(verb) \(done) of \(total)\(name.isEmpty ? "" : ": " + terminalSafe(name))"
        }
        if let line { write("\r\u{1B}[K" + line) }
    }

    /// Erases the line, if one is drawn (once: calling it again does nothing).
    func finish() {
        let drawn = state.withLock { state in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
