internal import COpenSSL
import Foundation
import Synchronization

/// The certificate stores the TLS checker verifies chains against, built once per set of root
/// files and kept while those files are unchanged. Building one parses every root of the file
/// (the system bundle holds about 140), which cost a millisecond for each TLS check before.
enum TrustStores {
    /// A store (`X509_STORE *`, owned) and the state of the files it was built from.
    private final class Entry: @unchecked Sendable {  // the store is only read, and OpenSSL locks it
        let store: OpaquePointer
        let stamps: [FileStamp]
        init(store: OpaquePointer, stamps: [FileStamp]) {
            self.store = store
            self.stamps = stamps
        }
        deinit { X509_STORE_free(store) }
    }

    /// What says a file changed: its modification time and size (zero when it is missing).
    private struct FileStamp: Equatable {
        var seconds = 0, nanoseconds = 0, size: Int64 = 0

        init(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return }
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
            size = Int64(info.st_size)
        }
    }

    private static let cache = Mutex<[[String]: Entry]>([:])

    /// Runs `body` with the store of `roots` (PEM files; empty means the system's default file and
    /// directory), or returns the reason it cannot be built.
    static func withStore<T>(roots: [String], _ body: (OpaquePointer) -> T) -> Result<T, LoadFailure> {
        let stamps = stampedFiles(roots).map(FileStamp.init)
        let entry: Entry
        if let kept = cache.withLock({ $0[roots] }), kept.stamps == stamps {
            entry = kept
        } else {
            switch build(roots) {
            case .failure(let failure): return .failure(failure)
            case .success(let store): entry = Entry(store: store, stamps: stamps)
            }
            cache.withLock { $0[roots] = entry }
        }
        return .success(withExtendedLifetime(entry) { body(entry.store) })
    }

    /// Why a store could not be built.
    struct LoadFailure: Error { var message: String }

    /// The files whose change makes a kept store stale: the roots, or the system's file and
    /// directory (`SSL_CERT_FILE` and `SSL_CERT_DIR` when set, as OpenSSL reads them).
    private static func stampedFiles(_ roots: [String]) -> [String] {
        guard roots.isEmpty else { return roots }
        func setting(_ variable: UnsafePointer<CChar>, _ fallback: UnsafePointer<CChar>) -> String {
            getenv(variable).map { String(cString: $0) } ?? String(cString: fallback)
        }
        return [setting(X509_get_default_cert_file_env(), X509_get_default_cert_file()),
                setting(X509_get_default_cert_dir_env(), X509_get_default_cert_dir())]
    }

    private static func build(_ roots: [String]) -> Result<OpaquePointer, LoadFailure> {
        guard let store = X509_STORE_new() else { return .failure(LoadFailure(message: "cannot create a certificate store")) }
        if roots.isEmpty {
            X509_STORE_set_default_paths(store)
        } else {
            for path in roots where X509_STORE_load_file(store, path) != 1 {
                X509_STORE_free(store)
                return .failure(LoadFailure(message: "cannot load trusted root \(path)"))
            }
        }
        return .success(store)
    }
}
