import Foundation
import Synchronization

/// Runs a program without a shell (`posix_spawnp`) in a process group of its own, collecting
/// its combined standard output and error up to a size limit, and killing the whole group with
/// SIGKILL when it runs past its time or the calling task is cancelled. The child is always
/// reaped, so no zombie is left.
enum Subprocess {
    struct Outcome: Sendable {
        /// The exit status; nil when the program could not start, was killed or died by a signal.
        var exitStatus: Int32?
        /// The signal that ended it, if one did.
        var signal: Int32?
        /// Combined stdout and stderr, at most `maxOutput` bytes.
        var output: [UInt8]
        var outputTruncated: Bool
        var timedOut: Bool
        /// Why the program could not be started (e.g. `No such file or directory`).
        var spawnError: String?
    }

    /// Runs `command` with `arguments`, stdin from /dev/null.
    static func run(_ command: String, _ arguments: [String], timeout: Duration,
                    maxOutput: Int = 64 * 1024) async -> Outcome {
        let cancelled = CancelFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: runBlocking(command, arguments, timeout: timeout,
                                                               maxOutput: maxOutput, cancelled: cancelled))
                }
                thread.name = "checkup.exec"
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    final class CancelFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .relaxed) }
        var isSet: Bool { flag.load(ordering: .relaxed) }
    }

    private static func runBlocking(_ command: String, _ arguments: [String], timeout: Duration,
                                    maxOutput: Int, cancelled: CancelFlag) -> Outcome {
        var outcome = Outcome(exitStatus: nil, signal: nil, output: [], outputTruncated: false, timedOut: false, spawnError: nil)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            outcome.spawnError = String(cString: strerror(errno))
            return outcome
        }
        // Only the child's dup2'ed copies may survive exec.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, so a timeout kills the child's children too; default signal
        // handling, since checkup ignores SIGPIPE and ignored signals survive exec.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP] { sigaddset(&defaults, sig) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([command] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command, &actions, &attributes, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard rc == 0 else {
            outcome.spawnError = String(cString: strerror(rc))
            return outcome
        }

        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var open = true
        var status: Int32 = 0
        var exited = false
        while true {
            if cancelled.isSet || clock.now >= deadline {
                outcome.timedOut = !cancelled.isSet
                kill(-pid, SIGKILL)
                break
            }
            if open {
                var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
                let left = deadline - clock.now
                let ms = Int32(min(50, max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
                if poll(&p, 1, ms) > 0 {
                    let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
                    if n > 0 {
                        let room = maxOutput - outcome.output.count
                        if room > 0 { outcome.output += buffer[0..<min(n, room)] }
                        if n > room { outcome.outputTruncated = true }
                    } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                        open = false
                    }
                }
            } else {
                usleep(5_000)
            }
            // The child may exit while a grandchild still holds the pipe: check without blocking.
            let w = waitpid(pid, &status, WNOHANG)
            if w == pid {
                exited = true
                // Collect what is already in the pipe, then stop: leftover writers are killed below.
                var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
                while open, poll(&p, 1, 0) > 0 {
                    let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    let room = maxOutput - outcome.output.count
                    if room > 0 { outcome.output += buffer[0..<min(n, room)] }
                    if n > room { outcome.outputTruncated = true }
                }
                kill(-pid, SIGKILL)  // any process left in its group
                break
            }
        }
        if !exited {
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        if status & 0x7f == 0 {
            outcome.exitStatus = (status >> 8) & 0xff
        } else {
            outcome.signal = status & 0x7f
        }
        if outcome.timedOut || cancelled.isSet { outcome.exitStatus = nil }
        return outcome
    }
}
