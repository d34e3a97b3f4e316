internal import CAres
import Foundation

/// Turns a DNS reply into records with c-ares' own parsers (`ares_parse_*_reply`).
enum DNSRecordParser {
    /// The records of `type` in `answer`, which is a whole DNS message.
    static func records(type: UInt16, in answer: UnsafeBufferPointer<UInt8>) -> DNSOutcome {
        guard let base = answer.baseAddress else { return .noRecords }
        let length = Int32(answer.count)
        var records: [DNSRecord] = []
        var status = ARES_SUCCESS
        switch type {
        case 1, 28, 5:  // A, AAAA; CNAME through the hostent's canonical name
            var host: UnsafeMutablePointer<hostent>?
            status = type == 28 ? ares_parse_aaaa_reply(base, length, &host, nil, nil)
                                : ares_parse_a_reply(base, length, &host, nil, nil)
            if let host {
                defer { ares_free_hostent(host) }
                if type == 5 {
                    let name = String(cString: host.pointee.h_name)
                    // h_name is the end of the CNAME chain; without one it is the question's name.
                    if strings(host.pointee.h_aliases).count > 0 { records = [named(name)] }
                } else {
                    let family = type == 28 ? AF_INET6 : AF_INET
                    records = pointers(host.pointee.h_addr_list).map { DNSRecord(text: DNSResolver.ntop(family, $0)) }
                }
            }
        case 2, 12:  // NS, PTR: the names are the hostent's aliases
            var host: UnsafeMutablePointer<hostent>?
            var unused = in_addr()
            status = type == 2 ? ares_parse_ns_reply(base, length, &host)
                               : ares_parse_ptr_reply(base, length, &unused, Int32(MemoryLayout<in_addr>.size), AF_INET, &host)
            if let host {
                defer { ares_free_hostent(host) }
                records = strings(host.pointee.h_aliases).map(named)
            }
        case 15:  // MX
            var list: UnsafeMutablePointer<ares_mx_reply>?
            status = ares_parse_mx_reply(base, length, &list)
            defer { ares_free_data(list) }
            for r in chain(list, \.next) {
                let target = fqdn(String(cString: r.host))
                records.append(DNSRecord(text: "\(r.priority) \(target)", target: target))
            }
        case 33:  // SRV
            var list: UnsafeMutablePointer<ares_srv_reply>?
            status = ares_parse_srv_reply(base, length, &list)
            defer { ares_free_data(list) }
            for r in chain(list, \.next) {
                let target = fqdn(String(cString: r.host))
                records.append(DNSRecord(text: "\(r.priority) \(r.weight) \(r.port) \(target)", target: target))
            }
        case 16:  // TXT: a record's character-strings joined, as SPF and DKIM read them
            var list: UnsafeMutablePointer<ares_txt_ext>?
            status = ares_parse_txt_reply_ext(base, length, &list)
            defer { ares_free_data(list) }
            for r in chain(list, \.next) {
                let text = String(decoding: UnsafeBufferPointer(start: r.txt, count: r.length), as: UTF8.self)
                if r.record_start != 0 || records.isEmpty {
                    records.append(DNSRecord(text: text))
                } else {
                    records[records.count - 1].text += text
                }
            }
        case 6:  // SOA
            var soa: UnsafeMutablePointer<ares_soa_reply>?
            status = ares_parse_soa_reply(base, length, &soa)
            if let soa {
                defer { ares_free_data(soa) }
                let s = soa.pointee, mname = fqdn(String(cString: s.nsname))
                records = [DNSRecord(text: "\(mname) \(fqdn(String(cString: s.hostmaster))) \(s.serial) \(s.refresh) \(s.retry) \(s.expire) \(s.minttl)",
                                     target: mname)]
            }
        case 257:  // CAA
            var list: UnsafeMutablePointer<ares_caa_reply>?
            status = ares_parse_caa_reply(base, length, &list)
            defer { ares_free_data(list) }
            for r in chain(list, \.next) {
                let tag = String(decoding: UnsafeBufferPointer(start: r.property, count: r.plength), as: UTF8.self)
                let value = String(decoding: UnsafeBufferPointer(start: r.value, count: r.length), as: UTF8.self)
                records.append(DNSRecord(text: "\(r.critical) \(tag) \"\(value)\"", target: value))
            }
        default:
            return .failed("record type \(type) is not supported")
        }
        if status != ARES_SUCCESS && status != ARES_ENODATA && records.isEmpty {
            return .failed("cannot parse the answer: \(DNSResolver.describe(status))")
        }
        return records.isEmpty ? .noRecords : .records(records)
    }

    /// A domain name as c-ares returns it (no trailing dot) in fully qualified form.
    static func fqdn(_ name: String) -> String { name.hasSuffix(".") ? name : name + "." }

    private static func named(_ name: String) -> DNSRecord {
        let f = fqdn(name)
        return DNSRecord(text: f, target: f)
    }

    /// The entries of a NULL-terminated C array of pointers.
    private static func pointers(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [UnsafeMutablePointer<CChar>] {
        var out: [UnsafeMutablePointer<CChar>] = []
        guard var p = list else { return out }
        while let entry = p.pointee {
            out.append(entry)
            p += 1
        }
        return out
    }

    private static func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
        pointers(list).map { String(cString: $0) }
    }

    /// The elements of a c-ares linked list.
    private static func chain<T>(_ head: UnsafeMutablePointer<T>?, _ next: KeyPath<T, UnsafeMutablePointer<T>?>) -> [T] {
        var out: [T] = []
        var node = head
        while let n = node {
            out.append(n.pointee)
            node = n.pointee[keyPath: next]
        }
        return out
    }
}
