internal import CCurl
import Foundation

extension CurlEngine {
    /// Whether this libcurl has a default CA bundle file (Debian's: /etc/ssl/certs/ca-certificates.crt,
    /// the same roots as its CA directory), so that a transfer may trust the file alone.
    static let defaultCABundle: Bool = {
        guard let easy = curl_easy_init() else { return false }
        defer { curl_easy_cleanup(easy) }
        var path: UnsafeMutablePointer<CChar>?
        guard ccurl_getinfo_string(easy, CURLINFO_CAINFO, &path) == CURLE_OK, let path else { return false }
        return access(path, R_OK) == 0  // else the CA directory alone may still hold the roots
    }()

    /// Makes and configures the easy handle for a job, and adds it to the multi handle.
    /// A job that cannot start is resumed at once with a failed response.
    /// libcurl copies every string option (but not lists or `POSTFIELDS`), so the strings are
    /// passed for the call only.
    static func start(_ job: Job, handle: Handle?, multi: UnsafeMutableRawPointer) -> Active? {
        guard let handle else {
            job.continuation.resume(returning: failed(code: Int32(CURLE_OUT_OF_MEMORY.rawValue), "could not create a libcurl handle"))
            return nil
        }
        let easy = handle.easy
        let t = Active(id: job.id, handle: handle, request: job.request, continuation: job.continuation)
        let r = job.request
        var setupError: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if setupError == CURLE_OK && code != CURLE_OK { setupError = code } }
        func set(_ option: CURLoption, _ value: String) { check(value.withCString { ccurl_setopt_string(easy, option, $0) }) }

        check(ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(ccurl_setopt_pointer(easy, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(job.id))))
        handle.errorBuffer[0] = 0
        check(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(handle.errorBuffer)))
        // A reused handle keeps its TLS session cache: never resume, each check does a full handshake.
        check(ccurl_setopt_long(easy, CURLOPT_SSL_SESSIONID_CACHE, 0))
        set(CURLOPT_URL, r.url)
        set(CURLOPT_PROTOCOLS_STR, r.protocols)
        check(ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, max(1, Int(r.timeout.nanoseconds / 1_000_000))))
        let connectTimeout = r.connectTimeout ?? r.timeout
        check(ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(connectTimeout.nanoseconds / 1_000_000))))
        // Each attempt measures a whole connection, as the original's client without keep-alive.
        check(ccurl_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1))
        check(ccurl_setopt_long(easy, CURLOPT_FORBID_REUSE, 1))
        check(ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        set(CURLOPT_USERAGENT, r.userAgent)
        if r.tlsSkipVerify {
            check(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            check(ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if r.connectOnly { check(ccurl_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1)) }
        if r.collectCertificates { check(ccurl_setopt_long(easy, CURLOPT_CERTINFO, 1)) }
        if let wire = r.wire { check(wire.attach(to: easy)) }
        // Trust one file of roots, never the CA directory too: a `tls_ca_file` replaces the
        // system's roots rather than adding to them, and libcurl keeps the store it builds from a
        // file in the multi handle (`CURLOPT_CA_CACHE_TIMEOUT`) only when no CA path is set; with
        // the path, it parsed the whole bundle again for every TLS check.
        if let ca = r.tlsCAFile {
            set(CURLOPT_CAINFO, ca)
            check(ccurl_setopt_string(easy, CURLOPT_CAPATH, nil))
        } else if Self.defaultCABundle {
            check(ccurl_setopt_string(easy, CURLOPT_CAPATH, nil))
        }
        switch r.method {
        case "GET": break
        case "HEAD": check(ccurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        default: set(CURLOPT_CUSTOMREQUEST, r.method)
        }
        if let user = r.username { set(CURLOPT_USERNAME, user) }
        if let password = r.password { set(CURLOPT_PASSWORD, password) }
        if r.requireTLS {
            check(ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        } else if r.tryTLS {
            check(ccurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)))
        }
        if let from = r.mailFrom {
            set(CURLOPT_MAIL_FROM, from)
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
            // COPYPOSTFIELDS copies `POSTFIELDSIZE_LARGE` bytes (set first), so a body may hold NULs.
            check(ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            check(body.withUnsafeBytes { ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(handle.errorBuffer))) })
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
            job.continuation.resume(returning: failed(code: Int32(setupError.rawValue), message))
            return nil
        }
        curl_multi_add_handle(multi, easy)
        return t
    }

    static func finish(_ t: Active, code: CURLcode) -> TransferResponse {
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
            message = String(cString: t.handle.errorBuffer)
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

    static func failed(code: Int32, _ message: String) -> TransferResponse {
        TransferResponse(curlCode: code, errorMessage: message, status: 0, headerBlock: [], body: [], nameLookupTime: .zero,
                         connectTime: .zero, appConnectTime: .zero, startTransferTime: .zero, totalTime: .zero)
    }
}
