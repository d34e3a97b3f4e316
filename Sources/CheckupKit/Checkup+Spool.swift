import Foundation

// Storing into a store over the network (S3) through its spool: a round that cannot be stored
// waits in a local folder, and waiting rounds are uploaded in order, exactly once, ahead of new ones.

extension Checkup {
    /// Stores a round into `storage`: straight in when nothing waits in its spool; otherwise, or
    /// when the store cannot take it, into the spool, whose rounds are then uploaded oldest first
    /// (each with its summary update) for as long as the store takes them. Returns the round's
    /// verdicts once it is in the store; a round left waiting gives none (and, where the store is
    /// shared with other origins, tells the notifiers nothing).
    /// - Throws: `CheckupError` only when neither the store nor the spool could take the round.
    static func storeSpooling(_ results: [CheckResult], in storage: any SpoolingStorage, summaries: StatusSummaries?,
                              abstain: String, excluding held: @Sendable () async -> Set<String> = { [] },
                              log: LogSink) async throws -> RoundVerdicts {
        let spool = storage.spool
        if spool.isEmpty {
            do {
                try await storage.store(results)
            } catch {
                try enqueue(results, abstain: abstain, in: spool, log: log, because: "\(error)")
                return waiting(spool)
            }
            let round = await updateSummaries(summaries, with: results, abstain: abstain, excluding: await held(), log: log)
            spool.remember(shared: round.isShared)
            return round
        }
        let mine = try enqueue(results, abstain: abstain, in: spool, log: log, because: "")
        let uploaded = try await spool.withTurn { () async -> RoundVerdicts? in
            await upload(spool, into: storage, summaries: summaries, current: mine, log: log)
        }
        guard let round = uploaded ?? nil else {
            if uploaded == nil { log.write("another checkup is uploading the spool \(spool.directory); this round waits there") }
            return waiting(spool)
        }
        spool.remember(shared: round.isShared)
        return round
    }

    /// Puts a round in the spool, reporting why (when it failed to store) and what was dropped.
    @discardableResult
    private static func enqueue(_ results: [CheckResult], abstain: String, in spool: Spool, log: LogSink,
                                because failure: String) throws -> String {
        let stamp = results.map(\.timestamp).max() ?? CheckResult.now()
        let added: (name: String, dropped: [String])
        do {
            added = try spool.add(CheckResult.checkFileData(results), stamp: stamp, abstain: abstain)
        } catch {
            throw CheckupError(.storage, (failure.isEmpty ? "" : "\(failure); ") + "the round is lost: \(error.message)")
        }
        if !failure.isEmpty { log.write("ERROR storing the round: \(failure); it waits in the spool \(spool.directory)") }
        for name in added.dropped {
            log.write("ERROR the spool \(spool.directory) is full (\(spool.maxRounds) rounds or \(spool.maxBytes >> 20) MiB): dropped the round of \(RFC3339.format(FileSystemStorage.prefixTime(name)))")
        }
        return added.name
    }

    /// Uploads the waiting rounds, oldest first, until none is left or the store fails; returns
    /// the verdicts of `current` when it was uploaded.
    private static func upload(_ spool: Spool, into storage: any SpoolingStorage, summaries: StatusSummaries?,
                               current: String, log: LogSink) async -> RoundVerdicts? {
        var mine: RoundVerdicts?
        var uploaded = 0
        var batch = spool.names()
        while !batch.isEmpty {
            for name in batch {
                guard let entry = spool.entry(name) else { continue }  // gone meanwhile
                do {
                    _ = try await storage.storeSpooled(name, data: entry.data)
                } catch {
                    log.write("ERROR storing the round: \(error); \(spool.names().count) rounds wait in the spool \(spool.directory)")
                    return mine
                }
                spool.remove(name)
                uploaded += 1
                let results = (try? CheckResult.decodeCheckFile(entry.data)) ?? []
                let round = await updateSummaries(summaries, with: results, abstain: entry.abstain,
                                                  catchingUp: name != current, log: log)
                if name == current { mine = round }
            }
            batch = spool.names()  // rounds another process added meanwhile
        }
        if uploaded > 1 || uploaded == 1 && mine == nil { log.write("stored \(uploaded) waiting round\(uploaded == 1 ? "" : "s") from the spool \(spool.directory)") }
        return mine
    }

    /// The verdicts of a round left in the spool: none; with a shared store, none to tell either.
    private static func waiting(_ spool: Spool) -> RoundVerdicts {
        spool.wasShared ? RoundVerdicts(isShared: true) : RoundVerdicts()
    }
}
