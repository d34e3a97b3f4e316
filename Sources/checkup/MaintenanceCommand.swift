import CheckupKit
import Foundation

/// What `checkup maintenance` is asked to do.
enum MaintenanceCommand: Equatable {
    /// Add a window (`--from`, `--until`, RFC 3339) about the checkers titled `about`.
    case add(about: [String], from: Int64, until: Int64, text: String)
    /// Cancel the stored window `id`.
    case cancel(id: String)
    /// Print the windows: the stored ones and the config's of the next 30 days.
    case list

    /// The action from the positional arguments (the action's word first) and the flags.
    init(_ arguments: [String], about: String?, from: String?, until: String?) throws(CheckupError) {
        func usage(_ text: String) -> CheckupError { CheckupError(.usage, "maintenance \(text)") }
        let rest = Array(arguments.dropFirst())
        func time(_ flag: String, _ value: String?) throws(CheckupError) -> Int64 {
            guard let value, !value.isEmpty else { throw usage("add needs --\(flag)=TIME (RFC 3339, such as 2026-12-06T02:00:00Z)") }
            guard let t = MaintenanceWindow.parseTime(value) else { throw usage("add: --\(flag)=\(value) is not an RFC 3339 time such as 2026-12-06T02:00:00Z") }
            return t
        }
        switch arguments[0] {
        case "add":
            guard rest.count == 1 else { throw usage("add needs exactly one TEXT (quote it)") }
            let titles = (about ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !titles.isEmpty else { throw usage("add needs --about=TITLE[,TITLE...], the checkers' titles") }
            self = .add(about: titles, from: try time("from", from), until: try time("until", until), text: rest[0])
        case "cancel":
            guard rest.count == 1 else { throw usage("cancel needs exactly one ID") }
            self = .cancel(id: rest[0])
        case "list":
            guard rest.isEmpty else { throw usage("list takes no arguments") }
            self = .list
        default:
            throw usage("\"\(arguments[0])\" is not add, cancel or list")
        }
        for (flag, value) in [("about", about), ("from", from), ("until", until)] where value != nil && arguments[0] != "add" {
            throw usage("\(arguments[0]) takes no --\(flag)")
        }
    }
}

extension Invocation {
    /// `checkup maintenance …`: adds or cancels a window (a new object) and rewrites the page's view.
    func maintenance(_ command: MaintenanceCommand) async throws {
        let checkup = try loadCheckup()
        guard let log = checkup.maintenanceLog else {
            throw CheckupError(.config, checkup.storage == nil ? "no storage configured" : "configured storage type does not keep maintenance windows")
        }
        let now = CheckResult.now()
        switch command {
        case .add(let about, let from, let until, let text):
            let id = try await log.add(about: try checkup.checkerTitles(about, for: "maintenance add"), from: from, until: until, text: text, at: now)
            print("Added maintenance \(id)")
        case .cancel(let id):
            try await log.cancel(id, at: now)
            print("Cancelled maintenance \(id)")
        case .list:
            for w in try await log.windows(at: now) {
                let state = w.cancelled != nil ? "cancelled" : w.isActive(at: now) ? "in progress" : w.until <= now ? "completed" : "scheduled"
                print("\(w.id)  \(MaintenanceWindow.formatTime(w.from)) → \(MaintenanceWindow.formatTime(w.until))  \(state)  \(w.about.joined(separator: ", "))  \(terminalSafe(w.text))")
            }
        }
    }
}
