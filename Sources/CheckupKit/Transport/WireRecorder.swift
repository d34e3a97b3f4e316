internal import CCurl
import Synchronization

/// What libcurl reported of one transfer, step by step (`CURLOPT_VERBOSE` with a
/// `CURLOPT_DEBUGFUNCTION`): its informational lines, the headers sent and received, and the
/// first bytes of the body. Made by the caller, handed in with the `TransferRequest`, filled on
/// the loop thread, read once the transfer is over.
final class WireRecorder: Sendable {
    /// One piece of the transfer, as libcurl's `curl_infotype` names it.
    struct Event: Sendable, Equatable {
        enum Kind: Sendable, Equatable {
            /// `CURLINFO_TEXT`: libcurl's own lines (`Trying 127.0.0.1:443...`, `SSL connection using …`).
            case text
            /// `CURLINFO_HEADER_OUT`: the request head as sent.
            case headerOut
            /// `CURLINFO_HEADER_IN`: one response header line as received.
            case headerIn
            /// `CURLINFO_DATA_IN`: response body bytes (the first `maxBodyBytes` only).
            case dataIn
        }
        var kind: Kind
        var bytes: [UInt8]
    }

    /// How much of the body is kept: an excerpt, not the body.
    static let maxBodyBytes = 2048
    /// How many events are kept: a chatty transfer cannot fill memory.
    static let maxEvents = 500

    private let recorded = Mutex<(events: [Event], bodyBytes: Int, bodySeen: Int)>(([], 0, 0))

    /// The events so far, in order.
    var events: [Event] { recorded.withLock { $0.events } }
    /// How many body bytes libcurl delivered in all (more than the excerpt keeps).
    var bodyBytesSeen: Int { recorded.withLock { $0.bodySeen } }

    init() {}

    /// Turns on libcurl's verbose reporting for `easy`, into this recorder. Called on the loop
    /// thread while the handle is set up; the request that carries the recorder keeps it alive
    /// for as long as the handle exists.
    func attach(to easy: UnsafeMutableRawPointer) -> CURLcode {
        var code = ccurl_setopt_pointer(easy, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(self).toOpaque())
        if code == CURLE_OK {
            code = ccurl_setopt_debug_function(easy) { _, type, data, size, context in
                guard let context, let data else { return 0 }
                let recorder = Unmanaged<WireRecorder>.fromOpaque(context).takeUnretainedValue()
                recorder.record(type, UnsafeRawBufferPointer(start: data, count: size))
                return 0
            }
        }
        if code == CURLE_OK { code = ccurl_setopt_long(easy, CURLOPT_VERBOSE, 1) }
        return code
    }

    private func record(_ type: curl_infotype, _ data: UnsafeRawBufferPointer) {
        let kind: Event.Kind
        switch type {
        case CURLINFO_TEXT: kind = .text
        case CURLINFO_HEADER_OUT: kind = .headerOut
        case CURLINFO_HEADER_IN: kind = .headerIn
        case CURLINFO_DATA_IN: kind = .dataIn
        default: return  // the TLS records themselves, and request bodies: nothing to show
        }
        recorded.withLock { state in
            guard state.events.count < Self.maxEvents else { return }
            var bytes = Array(data)
            if kind == .dataIn {
                state.bodySeen += bytes.count
                let room = Self.maxBodyBytes - state.bodyBytes
                guard room > 0 else { return }
                bytes = Array(bytes.prefix(room))
                state.bodyBytes += bytes.count
            }
            state.events.append(Event(kind: kind, bytes: bytes))
        }
    }
}
