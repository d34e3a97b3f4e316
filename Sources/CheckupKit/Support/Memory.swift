internal import CLinux

/// Limits the process to `count` malloc arenas (glibc's `M_ARENA_MAX`; by default it makes up
/// to eight per core, one per thread that allocates). Call it first thing: a long-running process
/// that parses large documents on many threads, as `checkup every` does with its summary each
/// round, otherwise fragments into several times the memory it uses.
public func limitMallocArenas(to count: Int) {
    clinux_limit_malloc_arenas(Int32(clamping: count))
}

/// Gives the pages of memory freed since the last call back to the system (glibc's
/// `malloc_trim`). `checkup every` calls it after each round: a round allocates and frees its
/// results, transfers and the summary's JSON, and glibc would otherwise keep the peak's pages.
func releaseFreedMemory() {
    clinux_trim_malloc()
}
