internal import CCurl
import Foundation

/// The one owner of a libcurl multi handle, running every transfer of the process on one thread.
///
/// Transfers arrive through a `LoopInbox` woken by `curl_multi_wakeup`; the loop thread makes
/// the easy handles, drives them with `curl_multi_perform`/`curl_multi_poll`, and resumes each
/// caller's continuation when its transfer ends. No easy handle ever leaves that thread, so
/// libcurl needs no locking, and hundreds of transfers run concurrently on it.
final class CurlEngine: Sendable {
    /// The process-wide engine, started on first use.
    static let shared = CurlEngine()

    typealias Job = LoopInbox<TransferRequest, TransferResponse>.Job

    private let inbox: LoopInbox<TransferRequest, TransferResponse>
    /// The multi handle, used by the loop thread (and by `curl_multi_wakeup`, which is thread-safe).
    private let multi: MultiHandle

    /// Holds the `CURLM *`; `@unchecked` because only the loop thread uses it, apart from
    /// `curl_multi_wakeup`, which libcurl documents as callable from any thread.
    private final class MultiHandle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
    }

    /// Starts an engine with its own thread; the process shares `shared`, tests make their own.
    init() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        // curl_multi_init fails only when out of memory.
        guard let m = curl_multi_init() else { preconditionFailure("curl_multi_init failed") }
        let handle = MultiHandle(m)
        multi = handle
        inbox = LoopInbox { curl_multi_wakeup(handle.pointer) }
        let thread = Thread { [self] in run() }
        thread.name = "checkup.curl"
        thread.start()
    }

    /// Runs one transfer and returns its response. Cancelling the calling task stops the transfer
    /// and throws `CancellationError`, as does an engine that was shut down.
    func perform(_ request: TransferRequest) async throws -> TransferResponse {
        try await inbox.submit(request)
    }

    /// Ends the loop thread: transfers in flight and later ones throw `CancellationError`, and
    /// the multi handle is freed.
    func shutDown() { inbox.shutDown() }

    // MARK: - The loop thread

    /// An easy handle with its error buffer. A finished transfer's handle is reset
    /// (`curl_easy_reset`) and kept for the next one, which saves libcurl's allocation and
    /// set-up of a handle per check; each transfer still opens its own connection.
    final class Handle {
        let easy: UnsafeMutableRawPointer
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

        init?() {
            guard let easy = curl_easy_init() else { return nil }
            self.easy = easy
            errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        }

        deinit {
            curl_easy_cleanup(easy)
            errorBuffer.deallocate()
        }
    }

    /// One transfer in flight, owned by the loop thread. Callbacks reach it through
    /// `CURLOPT_PRIVATE`/`WRITEDATA` as an unretained pointer; `active` keeps it alive, and it
    /// keeps alive what libcurl does not copy (the lists, the upload) until the transfer ends.
    final class Active {
        let id: UInt64
        let handle: Handle
        var easy: UnsafeMutableRawPointer { handle.easy }
        let request: TransferRequest
        let continuation: CheckedContinuation<TransferResponse, any Error>
        var headerList: UnsafeMutablePointer<curl_slist>?
        var recipientList: UnsafeMutablePointer<curl_slist>?, connectToList: UnsafeMutablePointer<curl_slist>?
        var body: [UInt8] = []
        var bodyTooLarge = false
        /// The transfer was ended on purpose once the headers were in (nothing needs the body).
        var stoppedAfterHeaders = false
        /// The final response's status line and header fields as received, parsed later by
        /// whoever reads them (`TransferResponse.headers`), not on the loop thread.
        var headerBlock: [UInt8] = []
        /// How much of `request.body` an upload has handed to libcurl.
        var uploaded = 0

        init(id: UInt64, handle: Handle, request: TransferRequest,
             continuation: CheckedContinuation<TransferResponse, any Error>) {
            self.id = id
            self.handle = handle
            self.request = request
            self.continuation = continuation
            headerBlock.reserveCapacity(256)
        }

        deinit { [headerList, recipientList, connectToList].forEach { curl_slist_free_all($0) } }
    }

    /// Reset handles kept for the next transfers; bounded, and emptied when the engine is idle.
    private struct Spares {
        static let limit = 256
        /// How long the engine waits with nothing to do before it frees the spare handles.
        static let idleMilliseconds: Int32 = 2_000
        var handles: [Handle] = []

        /// When the engine last had nothing in flight while spares were kept.
        var idleSince: ContinuousClock.Instant?

        mutating func take() -> Handle? { handles.popLast() ?? Handle() }

        /// Frees the spares once the engine has been idle for `idleMilliseconds`: between two
        /// rounds of `every`, the handles are not worth their memory.
        mutating func noteIdle(_ idle: Bool) {
            guard idle, !handles.isEmpty else { idleSince = nil; return }
            let now = ContinuousClock.now
            guard let since = idleSince else { idleSince = now; return }
            if now - since >= .milliseconds(Int(Self.idleMilliseconds)) {
                handles.removeAll()
                idleSince = nil
            }
        }

        mutating func recycle(_ handle: Handle) {
            guard handles.count < Self.limit else { return }  // freed by Handle.deinit
            curl_easy_reset(handle.easy)
            handles.append(handle)
        }
    }

    private func run() {
        var active: [UInt64: Active] = [:]
        var spares = Spares()
        let m = multi.pointer
        while true {
            let (jobs, cancels, shutDown) = inbox.take { active[$0] != nil }
            for job in jobs {
                if let transfer = Self.start(job, handle: spares.take(), multi: m) {
                    active[job.id] = transfer
                } else {
                    inbox.finish(job.id)
                }
            }
            for id in shutDown ? Array(active.keys) : cancels {
                guard let transfer = active.removeValue(forKey: id) else { continue }
                curl_multi_remove_handle(m, transfer.easy)
                spares.recycle(transfer.handle)
                inbox.finish(id)
                transfer.continuation.resume(throwing: CancellationError())
            }
            if shutDown {
                spares.handles.removeAll()
                curl_multi_cleanup(m)
                return
            }

            var running: Int32 = 0
            curl_multi_perform(m, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(m, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var privatePointer: UnsafeMutableRawPointer?
                ccurl_getinfo_pointer(easy, CURLINFO_PRIVATE, &privatePointer)
                guard let privatePointer else { continue }
                let id = UInt64(UInt(bitPattern: privatePointer))
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(m, easy)
                // Every handle in the multi handle belongs to an entry of `active`.
                guard let transfer = active.removeValue(forKey: id) else { continue }
                let response = Self.finish(transfer, code: code)
                spares.recycle(transfer.handle)
                inbox.finish(id)
                transfer.continuation.resume(returning: response)
            }
            // Sleeps until a socket is ready, a timeout is due, or curl_multi_wakeup is called.
            // Idle with spare handles, it wakes once more to free them.
            let timeout: Int32 = !active.isEmpty ? 1_000 : spares.handles.isEmpty ? 10_000 : Spares.idleMilliseconds
            curl_multi_poll(m, nil, 0, timeout, nil)
            spares.noteIdle(active.isEmpty)
        }
    }
}
