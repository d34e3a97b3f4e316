import CheckupKit
import Foundation

/// What `checkup incident` is asked to do.
enum IncidentCommand: Equatable {
    /// Open an incident about the checkers titled `about` (`--about=TITLE[,TITLE...]`).
    case open(about: [String], impact: IncidentImpact, text: String)
    /// Add an update (identified or monitoring) to the open incident `id`.
    case update(id: String, status: IncidentStatus, text: String)
    /// Resolve the open incident `id`.
    case resolve(id: String, text: String)
    /// Print the open incidents and the recent ones.
    case list

    /// The action from the positional arguments (the action's word first) and the flags.
    init(_ arguments: [String], about: String?, impact: String?, status: String?) throws(CheckupError) {
        func usage(_ text: String) -> CheckupError { CheckupError(.usage, "incident \(text)") }
        let rest = Array(arguments.dropFirst())
        switch arguments[0] {
        case "open":
            guard rest.count == 1 else { throw usage("open needs exactly one TEXT (quote it)") }
            let titles = (about ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !titles.isEmpty else { throw usage("open needs --about=TITLE[,TITLE...], the checkers' titles") }
            let impactName = (impact ?? "minor").lowercased()
            guard let impact = IncidentImpact(rawValue: impactName) else {
                throw usage("open: --impact=\(impactName) is not minor, major or critical")
            }
            self = .open(about: titles, impact: impact, text: rest[0])
        case "update":
            guard rest.count == 2 else { throw usage("update needs an ID and one TEXT (quote it)") }
            let name = (status ?? "").lowercased()
            guard let status = IncidentStatus(rawValue: name), status == .identified || status == .monitoring else {
                throw usage("update: --status=\(name) is not identified or monitoring (resolve with `checkup incident resolve ID TEXT`)")
            }
            self = .update(id: rest[0], status: status, text: rest[1])
        case "resolve":
            guard rest.count == 2 else { throw usage("resolve needs an ID and one TEXT (quote it)") }
            self = .resolve(id: rest[0], text: rest[1])
        case "list":
            guard rest.isEmpty else { throw usage("list takes no arguments") }
            self = .list
        default:
            throw usage("\"\(arguments[0])\" is not open, update, resolve or list")
        }
        if about != nil, arguments[0] != "open" { throw usage("\(arguments[0]) takes no --about") }
        if impact != nil, arguments[0] != "open" { throw usage("\(arguments[0]) takes no --impact") }
        if status != nil, arguments[0] != "update" { throw usage("\(arguments[0]) takes no --status") }
    }
}

extension Invocation {
    /// `checkup incident …`: adds one immutable event to the store and rewrites the page's view.
    func incident(_ command: IncidentCommand) async throws {
        let checkup = try loadCheckup()
        guard let log = checkup.incidents else {
            throw CheckupError(.config, checkup.storage == nil ? "no storage configured" : "configured storage type does not keep incidents")
        }
        let now = CheckResult.now()
        switch command {
        case .open(let about, let impact, let text):
            let id = try await log.open(about: try checkup.checkerTitles(about, for: "incident open"), impact: impact, text: text, at: now)
            print("Opened incident \(id)")
        case .update(let id, let status, let text):
            try await log.update(id, status: status, text: text, at: now)
            print("Updated incident \(id): \(status.rawValue)")
        case .resolve(let id, let text):
            try await log.resolve(id, text: text, at: now)
            print("Resolved incident \(id)")
        case .list:
            for incident in try await log.incidents() {
                print("\(incident.id)  \(incident.status.rawValue)  \(incident.impact.rawValue)  \(incident.about.joined(separator: ", "))  \(terminalSafe(incident.name))")
            }
        }
    }
}
