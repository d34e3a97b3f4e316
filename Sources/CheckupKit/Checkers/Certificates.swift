internal import COpenSSL
import Foundation

/// A server's certificate chain, parsed and judged with OpenSSL's libcrypto.
///
/// libcurl built on OpenSSL reports no certificates when verification fails, so the TLS checker
/// connects with verification off, collects the chain (`CURLINFO_CERTINFO`), and judges it here:
/// validity dates, trust (`X509_verify_cert` against the system roots or given PEM files) and the
/// host name (`X509_check_host` / `X509_check_ip_asc`).
final class CertificateChain {
    /// The certificates, leaf first (`X509 *`, owned).
    private let certificates: [OpaquePointer]

    /// Parses PEM certificates; nil when none parses.
    init?(pem: [String]) {
        var parsed: [OpaquePointer] = []
        for text in pem {
            var bytes = Array(text.utf8)
            let bio = bytes.withUnsafeMutableBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
            guard let bio else { continue }
            if let x509 = PEM_read_bio_X509(bio, nil, nil, nil) { parsed.append(x509) }
            BIO_free(bio)
        }
        guard !parsed.isEmpty else { return nil }
        certificates = parsed
    }

    deinit { certificates.forEach { X509_free($0) } }

    private var leaf: OpaquePointer { certificates[0] }

    /// The leaf's subject, RFC 2253 style (`CN=example.com,O=Example`).
    var subject: String { Self.name(X509_get_subject_name(leaf)) }
    /// The leaf's issuer.
    var issuer: String { Self.name(X509_get_issuer_name(leaf)) }
    /// The leaf's notBefore, as Unix seconds.
    var notBefore: Int64 { Self.time(X509_get0_notBefore(leaf)) }
    /// The leaf's notAfter, as Unix seconds.
    var notAfter: Int64 { Self.time(X509_get0_notAfter(leaf)) }

    /// Why the chain is not trusted, or nil when it verifies.
    /// - Parameter roots: PEM files of trusted roots; empty means the system's.
    func trustProblem(roots: [String]) -> String? {
        let verdict = TrustStores.withStore(roots: roots) { store -> String? in
            guard let context = X509_STORE_CTX_new(), let untrusted = copenssl_x509_stack_new() else {
                return "cannot create a verification context"
            }
            defer {
                X509_STORE_CTX_free(context)
                copenssl_x509_stack_free(untrusted)
            }
            for intermediate in certificates.dropFirst() { copenssl_x509_stack_push(untrusted, intermediate) }
            guard X509_STORE_CTX_init(context, store, leaf, untrusted) == 1 else { return "cannot start verification" }
            if X509_verify_cert(context) == 1 { return nil }
            return String(cString: X509_verify_cert_error_string(Int(X509_STORE_CTX_get_error(context))))
        }
        switch verdict {
        case .success(let problem): return problem
        case .failure(let failure): return failure.message
        }
    }

    /// Whether the leaf is valid for `host` (a DNS name or an IP address).
    func matches(host: String) -> Bool {
        var address = in6_addr()
        let isIP = inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
        if isIP { return X509_check_ip_asc(leaf, host, 0) == 1 }
        return X509_check_host(leaf, host, host.utf8.count, 0, nil) == 1
    }

    private static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        copenssl_name_print_rfc2253(bio, name)
        var data: UnsafeMutablePointer<CChar>?
        let length = copenssl_bio_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    private static func time(_ asn1: UnsafePointer<ASN1_TIME>?) -> Int64 {
        var parts = tm()
        guard let asn1, ASN1_TIME_to_tm(asn1, &parts) == 1 else { return 0 }
        return Int64(timegm(&parts))
    }
}
