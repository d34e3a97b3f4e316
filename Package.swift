// swift-tools-version:6.0
import PackageDescription

// Every Swift target: existential types spelled `any P`, so a protocol used as a type is visible.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "checkup",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CheckupKit", targets: ["CheckupKit"]),
        .executable(name: "checkup", targets: ["checkup"]),
    ],
    targets: [
        // libcurl (Debian: libcurl4-openssl-dev) for HTTP, TCP, TLS and SMTP.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libcrypto (Debian: libssl-dev) for SHA-256, HMAC and certificates.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // c-ares (Debian: libc-ares-dev) for DNS queries and answer parsing.
        .systemLibrary(
            name: "CAres",
            pkgConfig: "libcares",
            providers: [.apt(["libc-ares-dev"])]
        ),
        // zlib (Debian: zlib1g-dev) for gzip: the status page's files over serve and on S3.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Linux calls Swift's Glibc module leaves out (epoll, eventfd, accept4, sendfile), for
        // `checkup serve`'s event loop; part of the C library, nothing to install.
        .systemLibrary(name: "CLinux"),
        .target(
            name: "CheckupKit",
            dependencies: ["CCurl", "COpenSSL", "CAres", "CZlib", "CLinux"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "checkup",
            dependencies: ["CheckupKit"],
            swiftSettings: strict,
            // Release builds link with the toolchain's lld and pack the relative relocations
            // (DT_RELR, glibc 2.36+): the 1.8 MB table of 75,000 RELA entries is not read at
            // every start; 2.3 MB less memory for `checkup --help`, still position-independent.
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                             .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // `Benchmarks/summary.py`'s measure of a summary's size and update cost.
        .executableTarget(
            name: "checkup-summary-bench",
            dependencies: ["CheckupKit"],
            path: "Benchmarks/SummaryBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "CheckupKitTests",
            dependencies: ["CheckupKit"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
