import Foundation

/// What one stored round tells the notifiers: its results (or, with other origins in the store,
/// the verdicts) and who sends when the store cannot settle a claim.
struct RoundNotice: Sendable {
    var results: [CheckResult]
    var fallbackSender = ""
    /// The titles (lowercased) under maintenance, when the round's store step read them; nil:
    /// `notify` reads them itself.
    var held: Set<String>? = nil
}

extension Checkup {
    /// Tells every notifier about `results`, all at once, so a slow receiver delays no other,
    /// and for at most `notifyTimeout` in all: a notifier still busy then is cancelled (it puts
    /// back what it did not send, so the next round sends it) and named in the log. A failure is
    /// logged and stops nothing.
    public func notify(_ results: [CheckResult]) async {
        await notify(RoundNotice(results: results))
    }

    func notify(_ notice: RoundNotice) async {
        guard !notifiers.isEmpty else { return }
        let notice = await withoutMaintenance(notice)
        let log = self.log, timeout = notifyTimeout
        await withTaskGroup(of: Int?.self) { group in
            for (i, var notifier) in notifiers.enumerated() {
                if var alerting = notifier as? AlertingNotifier {  // says there whose claim won
                    alerting.log = log
                    alerting.fallbackSender = notice.fallbackSender
                    notifier = alerting
                }
                group.addTask {
                    do {
                        try await notifier.notify(notice.results)
                    } catch is CancellationError {
                        // Out of time, or stopped: its state was put back; the next run sends.
                    } catch {
                        log.write("ERROR sending notifications for \(notifier.typeName): \(error)")
                    }
                    return i
                }
            }
            group.addTask {  // the deadline: nil when it passed
                try? await Task.sleep(for: timeout)
                return nil
            }
            var busy = Set(notifiers.indices)
            while !busy.isEmpty, let done = await group.next() {
                guard let i = done else {
                    let names = busy.sorted().map { notifiers[$0].typeName }.joined(separator: ", ")
                    log.write("ERROR sending notifications for \(names): not done within \(timeout.goDescription); tried again next round")
                    break
                }
                busy.remove(i)
            }
            group.cancelAll()
        }
    }
}

/// The notifications of `checkAndStoreEvery`, sent one round after another while the loop goes
/// on. A round whose notifications are still going when two more arrive is overtaken: only the
/// newest waiting round is kept, since alerting compares each round with what it said before.
actor NotificationQueue {
    private let send: @Sendable (RoundNotice) async -> Void
    private var waiting: RoundNotice?
    private var current: Task<Void, Never>?

    init(send: @escaping @Sendable (RoundNotice) async -> Void) { self.send = send }

    /// Sends `notice` after the ones before it, without waiting for it.
    func submit(_ notice: RoundNotice) {
        waiting = notice
        if current == nil { startNext() }
    }

    private func startNext() {
        guard let notice = waiting else {
            current = nil
            return
        }
        waiting = nil
        current = Task { [send] in
            await send(notice)
            self.startNext()
        }
    }

    /// Waits for the notifications in flight, at most `grace`, then cancels them and drops the
    /// rest (a cancelled notifier puts back what it did not send).
    func finish(within grace: Duration) async {
        waiting = nil
        guard let running = current else { return }
        let timer = Task {
            try? await Task.sleep(for: grace)
            running.cancel()
        }
        await running.value
        timer.cancel()
        current = nil
    }
}
