import CheckupKit
import Foundation

// The `checkup` command: parses the command line, runs the command, and maps errors to one line
// on standard error and an exit status (0 ok, 1 failure or unhealthy, 2 usage).

signal(SIGPIPE, SIG_IGN)
// Two malloc arenas, not one per thread: a long `every` run re-reads its summary each round, and
// per-thread arenas let that fragment into three times the memory (Scripts/long-run: about 180 MB
// against 60 MB steady, 200 checkers every second).
// One for `summarize`, set before its reading threads start: it makes results on those threads
// and frees them on the adding one, and a second arena held 2.4 MB more of them at the peak
// (Benchmarks/summarize.py).
let arguments = Array(CommandLine.arguments.dropFirst())
limitMallocArenas(to: arguments.first { Invocation.commandWords.contains($0) } == "summarize" ? 1 : 2)

let status: Int32
do {
    let invocation = try Invocation(parsing: arguments)
    if let text = invocation.text {
        // Before any `await`: the global executor's threads are started only by a task.
        print(text, terminator: "")
        status = 0
    } else {
        status = try await invocation.run()
    }
} catch let error as CheckupError where error.code == .usage {
    printError("checkup: \(error.message)")
    // The usage line of the first word that names a command, wherever it stands.
    printError(Help.usage(arguments.first { Invocation.commandWords.contains($0) } ?? ""))
    printError("Run 'checkup --help' for more.")
    status = 2
} catch let error as CheckupError {
    printError("checkup: \(error.message)")
    status = 1
} catch is CancellationError {
    status = 1
} catch {
    printError("checkup: \(error)")
    status = 1
}
// _exit, after flushing: nothing is left to clean up, and exit's handlers could wait on a thread
// still blocked in a system call (seen as a `serve` that never ended after SIGTERM).
fflush(nil)
_exit(status)
