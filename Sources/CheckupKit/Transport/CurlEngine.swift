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

    private typealias Job = LoopInbox<TransferRequest, TransferResponse>.Job

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

    /// One transfer in flight, owned by the loop thread. Callbacks reach it through
    /// `CURLOPT_PRIVATE`/`WRITEDATA` as an unretained pointer; `active` keeps it alive.
    private final class Active {
        let id: UInt64
        let easy: UnsafeMutableRawPointer
        let request: TransferRequest
        let continuation: CheckedContinuation<TransferResponse, any Error>
        var headerList: UnsafeMutablePointer<curl_slist>?
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        var body: [UInt8] = []
        var bodyTooLarge = false
        /// The transfer was ended on purpose once the headers were in (nothing needs the body).
        var stoppedAfterHeaders = false
        /// The final response's status line and header fields as received, parsed later by
        /// whoever reads them (`TransferResponse.headers`), not on the loop thread.
        var headerBlock: [UInt8] = []
        /// C strings libcurl keeps pointers to until the handle is freed.
        var retained: [UnsafeMutablePointer<CChar>] = []

        init(id: UInt64, easy: UnsafeMutableRawPointer, request: TransferRequest,
             continuation: CheckedContinuation<TransferResponse, any Error>) {
            self.id = id
            self.easy = easy
            self.request = request
            self.continuation = continuation
            errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        }

        func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(s)!  // strdup fails only when out of memory
            retained.append(p)
            return p
        }

        func bytes(_ b: [UInt8]) -> UnsafeMutableRawPointer {
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, b.count))
            b.withUnsafeBytes { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(p), byteCount: b.count) }
            retainedBytes.append(p)
            return UnsafeMutableRawPointer(p)
        }
        var retainedBytes: [UnsafeMutablePointer<CChar>] = []
        var recipientList: UnsafeMutablePointer<curl_slist>?, connectToList: UnsafeMutablePointer<curl_slist>?
        /// How much of `request.body` an upload has handed to libcurl.
        var uploaded = 0

        deinit {
            [recipientList, connectToList].forEach { curl_slist_free_all($0) }
            retainedBytes.forEach { $0.deallocate() }
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
            retained.forEach { free($0) }
        }
    }

    private func run() {
        var active: [UInt64: Active] = [:]
        let m = multi.pointer
        while true {
            let (jobs, cancels, shutDown) = inbox.take { active[$0] != nil }
            for job in jobs {
                if let transfer = Self.start(job, multi: m) {
                    active[job.id] = transfer
                } else {
                    inbox.finish(job.id)
                }
            }
            for id in shutDown ? Array(active.keys) : cancels {
                guard let transfer = active.removeValue(forKey: id) else { continue }
                curl_multi_remove_handle(m, transfer.easy)
                curl_easy_cleanup(transfer.easy)
                inbox.finish(id)
                transfer.continuation.resume(throwing: CancellationError())
            }
            if shutDown {
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
                guard let transfer = active.removeValue(forKey: id) else {
                    curl_easy_cleanup(easy)
                    continue
                }
                let response = Self.finish(transfer, code: code)
                curl_easy_cleanup(easy)
                inbox.finish(id)
                transfer.continuation.resume(returning: response)
            }
            // Sleeps until a socket is ready, a timeout is due, or curl_multi_wakeup is called.
            curl_multi_poll(m, nil, 0, active.isEmpty ? 10_000 : 1_000, nil)
        }
    }

    /// Makes and configures the easy handle for a job, and adds it to the multi handle.
    /// A job that cannot start is resumed at once with a failed response.
    private static func start(_ job: Job, multi: UnsafeMutableRawPointer) -> Active? {
        guard let easy = curl_easy_init() else {
            job.continuation.resume(returning: failed(code: Int32(CURLE_OUT_OF_MEMORY.rawValue), "could not create a libcurl handle"))
            return nil
        }
        let t = Active(id: job.id, easy: easy, request: job.request, continuation: job.continuation)
        let r = job.request
        var setupError: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if setupError == CURLE_OK && code != CURLE_OK { setupError = code } }

        check(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(ccurl_setopt_pointer(easy, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(job.id))))
        check(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(t.errorBuffer)))
        check(ccurl_setopt_string(easy, CURLOPT_URL, t.cString(r.url)))
        check(ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, t.cString(r.protocols)))
        check(ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(r.timeout.nanoseconds / 1_000_000))))
        let connectTimeout = r.connectTimeout ?? r.timeout
        check(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout.nanoseconds / 1_000_000))))
        // Each attempt measures a whole connection, as the original's client without keep-alive.
        check(ccurl_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1))
        check(ccurl_setopt_long(easy, CURLOPT_FORBID_REUSE, 1))
        check(ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(ccurl_setopt_string(easy, CURLOPT_USERAGENT, t.cString(r.userAgent)))
        if r.tlsSkipVerify {
            check(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            check(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if r.connectOnly { check(ccurl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)) }
        if r.collectCertificates { check(ccurl_setopt_long(easy, CURLOPT_CERTINFO, 1)) }
        if let wire = r.wire { check(wire.attach(to: easy)) }
        if let ca = r.tlsCAFile {
            check(ccurl_setopt_string(easy, CURLOPT_CAINFO, t.cString(ca)))
        }
        switch r.method {
        case "GET": break
        case "HEAD": check(ccurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        default: check(ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, t.cString(r.method)))
        }
        if let user = r.username { check(ccurl_setopt_string(easy, CURLOPT_USERNAME, t.cString(user))) }
        if let password = r.password { check(ccurl_setopt_string(easy, CURLOPT_PASSWORD, t.cString(password))) }
        if r.requireTLS {
            check(ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        } else if r.tryTLS {
            check(ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)))
        }
        if let from = r.mailFrom {
            check(ccurl_setopt_string(easy, CURLOPT_MAIL_FROM, t.cString(from)))
            for rcpt in r.mailRecipients { t.recipientList = curl_slist_append(t.recipientList, rcpt) }
            if let list = t.recipientList { check(ccurl_setopt_slist(easy, CURLOPT_MAIL_RCPT, list)) }
            check(ccurl_setopt_long(easy, CURLOPT_UPLOAD, 1))
            check(ccurl_setopt_pointer(easy, CURLOPT_READDATA, Unmanaged.passUnretained(t).toOpaque()))
            check(ccurl_setopt_read_function(easy) { buffer, size, count, context in
                let transfer = Unmanaged<Active>.fromOpaque(context!).takeUnretainedValue()  // set above
                let body = transfer.request.body ?? []
                let n = min(size * count, body.count - transfer.uploaded)
                if n > 0, let buffer {
                    body.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress! + transfer.uploaded, byteCount: n) }  // n > 0: non-empty
                    transfer.uploaded += n
                }
                return n
            })
        } else if let body = r.body {
            // libcurl reads POSTFIELDS in place until the handle is freed: keep a copy with `t`.
            let copy = t.bytes(body)
            check(ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            check(ccurl_setopt_pointer(easy, CURLOPT_POSTFIELDS, copy))
        }
        for line in r.headers { t.headerList = curl_slist_append(t.headerList, line) }
        if let list = t.headerList { check(ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, list)) }
        for entry in r.connectTo { t.connectToList = curl_slist_append(t.connectToList, entry) }
        if let list = t.connectToList { check(ccurl_setopt_slist(easy, CURLOPT_CONNECT_TO, list)) }

        let context = Unmanaged.passUnretained(t).toOpaque()
        check(ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(ccurl_setopt_write_function(easy) { data, size, count, context in
            let transfer = Unmanaged<Active>.fromOpaque(context!).takeUnretainedValue()  // set above
            let n = size * count
            guard transfer.request.captureBody else { return n }
            if transfer.body.count + n > transfer.request.maxBodyBytes {
                transfer.bodyTooLarge = true
                return 0  // makes libcurl stop with CURLE_WRITE_ERROR
            }
            if let data { transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
            return n
        })
        check(ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        check(ccurl_setopt_header_function(easy) { data, size, count, context in
            let transfer = Unmanaged<Active>.fromOpaque(context!).takeUnretainedValue()  // set above
            let n = size * count
            guard let data, n > 0 else { return n }
            let line = UnsafeRawBufferPointer(start: data, count: n)
            if n <= 2, !transfer.request.captureBody {
                // The blank line after a final response's fields: nobody needs the body, so the
                // transfer ends here (an endless or huge body is never read).
                var code = 0
                ccurl_getinfo_long(transfer.easy, CURLINFO_RESPONSE_CODE, &code)
                if code >= 200 {
                    transfer.stoppedAfterHeaders = true
                    return 0  // makes libcurl stop with CURLE_WRITE_ERROR, read as success in finish
                }
            }
            // A new response (after 1xx) starts its own status line and fields.
            if n >= 5, line.starts(with: TransferResponse.statusPrefix) { transfer.headerBlock.removeAll(keepingCapacity: true) }
            transfer.headerBlock.append(contentsOf: line)
            return n
        })

        if setupError != CURLE_OK {
            let message = String(cString: curl_easy_strerror(setupError))
            curl_easy_cleanup(easy)
            job.continuation.resume(returning: failed(code: Int32(setupError.rawValue), message))
            return nil
        }
        curl_multi_add_handle(multi, easy)
        return t
    }

    private static func finish(_ t: Active, code: CURLcode) -> TransferResponse {
        func time(_ info: CURLINFO) -> Duration {
            var v: curl_off_t = 0
            ccurl_getinfo_off_t(t.easy, info, &v)
            return .microseconds(v)
        }
        var status = 0
        ccurl_getinfo_long(t.easy, CURLINFO_RESPONSE_CODE, &status)
        var code = code
        if code == CURLE_WRITE_ERROR && t.stoppedAfterHeaders { code = CURLE_OK }
        var message = ""
        if code != CURLE_OK {
            message = String(cString: t.errorBuffer)
            if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
            if t.bodyTooLarge { message = "response body is larger than \(t.request.maxBodyBytes) bytes" }
            // libcurl refuses a header line over CURL_MAX_HTTP_HEADER with "out of memory".
            if code == CURLE_OUT_OF_MEMORY && t.request.protocols.hasPrefix("http") {
                message = "a response header is larger than \(CURL_MAX_HTTP_HEADER / 1024) KiB"
            }
        }
        var certificates: [String] = []
        if t.request.collectCertificates {
            // CURLINFO_CERTINFO: per certificate, a list of "Name:value" strings; "Cert:" is the PEM.
            var raw: UnsafeMutableRawPointer?
            if ccurl_getinfo_pointer(t.easy, CURLINFO_CERTINFO, &raw) == CURLE_OK, let raw {
                let info = raw.assumingMemoryBound(to: curl_certinfo.self).pointee
                for i in 0..<Int(info.num_of_certs) {
                    var node = info.certinfo[i]
                    while let n = node {
                        let entry = String(cString: n.pointee.data)
                        if entry.hasPrefix("Cert:") { certificates.append(String(entry.dropFirst(5))) }
                        node = n.pointee.next
                    }
                }
            }
        }
        return TransferResponse(
            curlCode: Int32(code.rawValue), errorMessage: message, status: status,
            headerBlock: t.headerBlock, body: t.body, certificatesPEM: certificates,
            nameLookupTime: time(CURLINFO_NAMELOOKUP_TIME_T), connectTime: time(CURLINFO_CONNECT_TIME_T),
            appConnectTime: time(CURLINFO_APPCONNECT_TIME_T), startTransferTime: time(CURLINFO_STARTTRANSFER_TIME_T),
            totalTime: time(CURLINFO_TOTAL_TIME_T))
    }

    private static func failed(code: Int32, _ message: String) -> TransferResponse {
        TransferResponse(curlCode: code, errorMessage: message, status: 0, headerBlock: [], body: [], nameLookupTime: .zero,
                         connectTime: .zero, appConnectTime: .zero, startTransferTime: .zero, totalTime: .zero)
    }
}
