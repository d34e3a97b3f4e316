import Synchronization

/// The hand-over between async callers and one engine thread (the libcurl loop, the DNS
/// resolver): a `Mutex`-guarded queue of jobs, each with the continuation its caller waits on,
/// and the bookkeeping that lets a caller cancel before or after its job reached the thread.
///
/// Callers `submit`; the thread `take`s what arrived, and calls `finish` when it resumes a job's
/// continuation. After `shutDown()` new jobs are refused at once with `CancellationError`, and
/// `take` tells the thread to end (it resumes whatever it still holds).
final class LoopInbox<Request: Sendable, Response: Sendable>: Sendable {
    /// A job as the thread receives it.
    struct Job {
        var id: UInt64
        var request: Request
        var continuation: CheckedContinuation<Response, any Error>
    }

    private struct State {
        var nextID: UInt64 = 1
        var jobs: [Job] = []
        /// Ids handed out and not yet finished; only these can be cancelled.
        var live: Set<UInt64> = []
        var cancelled: Set<UInt64> = []
        var shutDown = false
        /// The thread has seen `shutDown` and is ending: nothing may wake it (its handle is freed).
        var ended = false
    }

    private let state = Mutex(State())
    /// Wakes the thread from its poll; called under the lock, and never once the thread ended.
    private let wake: @Sendable () -> Void

    /// - Parameter wake: makes the engine thread look at the inbox soon (`curl_multi_wakeup`, a
    ///   self-pipe); it may be called from any thread.
    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    /// Queues `request` for the thread and waits for its response. Cancelling the calling task
    /// marks the job cancelled and wakes the thread; a job cancelled before it was queued, or
    /// submitted after `shutDown()`, throws `CancellationError` at once.
    func submit(_ request: Request) async throws -> Response {
        let id = state.withLock { box -> UInt64 in
            defer { box.nextID += 1 }
            box.live.insert(box.nextID)
            return box.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let refused = state.withLock { box -> Bool in
                    if box.shutDown || box.cancelled.remove(id) != nil {
                        box.live.remove(id)
                        return true
                    }
                    // One wake-up per batch: jobs queued after the first (before the thread takes
                    // them) ride on its wake-up, which saves a syscall per job under load.
                    if box.jobs.isEmpty { wake() }
                    box.jobs.append(Job(id: id, request: request, continuation: continuation))
                    return false
                }
                if refused { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            state.withLock { box in
                guard box.live.contains(id), !box.ended else { return }
                box.cancelled.insert(id)
                wake()
            }
        }
    }

    /// The thread's side: the jobs queued since the last call, the ids to cancel among those and
    /// the ones `isActive` says the thread holds, and whether the thread should end now.
    func take(isActive: (UInt64) -> Bool) -> (jobs: [Job], cancels: [UInt64], shutDown: Bool) {
        state.withLock { box in
            let jobs = box.jobs
            box.jobs.removeAll(keepingCapacity: true)
            let taken = Set(jobs.map(\.id))
            let cancels = box.cancelled.filter { isActive($0) || taken.contains($0) }
            box.cancelled.subtract(cancels)
            box.cancelled.formIntersection(box.live)  // drop those that finished meanwhile
            if box.shutDown { box.ended = true }
            return (jobs, Array(cancels), box.shutDown)
        }
    }

    /// Records that job `id`'s continuation has been (or is about to be) resumed.
    func finish(_ id: UInt64) {
        state.withLock { box in
            box.live.remove(id)
            box.cancelled.remove(id)
        }
    }

    /// Refuses new jobs and tells the thread to end at its next `take`.
    func shutDown() {
        state.withLock { box in
            guard !box.shutDown else { return }
            box.shutDown = true
            wake()
        }
    }
}
