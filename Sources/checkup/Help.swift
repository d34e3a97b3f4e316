import CheckupKit
import Foundation

/// The help texts and usage lines.
enum Help {
    /// The usage line of the command without a command word.
    private static let generalUsage = "Usage: checkup [-c FILE] [--store] [--format FORMAT] [--output FILE] [--shard I/N] | checkup check NAME [--explain] | checkup every INTERVAL | checkup message --about=TITLE TEXT | checkup push NAME [--fail] [--message TEXT] | checkup incident open|update|resolve|list | checkup maintenance add|cancel|list | checkup serve | checkup statuspage --out DIR | checkup summarize | checkup report --month YYYY-MM [--format md|csv|json] | checkup provision [s3] [--heartbeat] | checkup validate | checkup init URL... | checkup completion SHELL | checkup man"

    /// Each command's usage line, by its name.
    private static let usageLines: [String: String] = [
        "check": "Usage: checkup check NAME [--explain] [--format FORMAT] [--output FILE] [-c FILE]",
        "every": "Usage: checkup every INTERVAL [-c FILE] [--shard I/N]",
        "message": "Usage: checkup message --about=TITLE TEXT [-c FILE]",
        "push": "Usage: checkup push NAME [--fail] [--message TEXT] [-c FILE]",
        "incident": "Usage: checkup incident open --about=TITLE[,TITLE...] [--impact=minor|major|critical] TEXT | incident update ID --status=identified|monitoring TEXT | incident resolve ID TEXT | incident list [-c FILE]",
        "maintenance": "Usage: checkup maintenance add --about=TITLE[,TITLE...] --from=TIME --until=TIME TEXT | maintenance cancel ID | maintenance list [-c FILE]",
        "serve": "Usage: checkup serve [--listen ADDR] [--statuspage DIR] [-c FILE]",
        "provision": "Usage: checkup provision [s3] [--heartbeat] [-c FILE]",
        "statuspage": "Usage: checkup statuspage --out DIR [--url URL] [--statuspage DIR] [-c FILE]",
        "summarize": "Usage: checkup summarize [-c FILE]",
        "report": "Usage: checkup report --month YYYY-MM [--format md|csv|json] [-c FILE]",
        "validate": "Usage: checkup validate [-c FILE]",
        "init": "Usage: checkup init URL... [-c FILE]",
        "completion": "Usage: checkup completion bash|zsh|fish",
        "man": "Usage: checkup man",
    ]

    /// Every command that has a help text of its own, in the general help's order.
    static let topics = ["check", "every", "message", "push", "incident", "maintenance", "serve", "statuspage", "summarize", "report", "provision",
                         "validate", "init", "completion", "man"]

    /// The general help's list of commands: each command word with its one-line summary.
    static var commandSummaries: [(command: String, summary: String)] {
        let lines = text(nil).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "Commands:") else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.compactMap { line in
            guard let gap = line.range(of: "  ", range: line.index(line.startIndex, offsetBy: 2)..<line.endIndex) else { return nil }
            let head = line[..<gap.lowerBound].trimmingCharacters(in: .whitespaces)
            let word = String(head.prefix { $0 != " " })
            return (word, line[gap.upperBound...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// The usage line of `command`; the general one for "" or a word that is not a command.
    static func usage(_ command: String) -> String {
        usageLines[command] ?? generalUsage
    }

    /// The help for `topic`: a command's name, else (nil or any other word) the general help.
    static func text(_ topic: String?) -> String {
        switch topic ?? "" {
        case "check":
            return """
            Run the one checker called NAME (compared without regard to case) and print its result;
            with --explain, run one attempt and print every step of it. Nothing is stored and no
            notifier is told. The exit status is 1 unless the result is healthy.

            \(usage("check"))

            --explain, -v       print what happened, step by step: the addresses resolved, the
                                connection, the TLS version and cipher with the certificate chain,
                                the request line and headers (secrets as REDACTED), the response
                                status, headers and a body excerpt, the time of each phase and
                                which condition passed or failed; for dns the query and the
                                answer section, for exec the command, its exit status and output
            --format, -o FORMAT, --output FILE
                                as for a plain run (not with --explain)

            Examples:
              checkup check Website --explain
              checkup check "API health" -o json
            """
        case "every":
            return """
            Run every checker, store the results and maintain the storage, once now and then once
            every INTERVAL, until stopped with Ctrl-C (SIGINT) or SIGTERM. SIGHUP reloads the
            config file; a broken one is reported and the one in use kept.

            \(usage("every"))

            INTERVAL is a duration such as 30s, 10m or 1h30m (units ns, us, ms, s, m, h), or one of
            the shortcuts second, minute, hour, day (24h) and week (168h); at least 1s. A round
            that overruns skips the ticks it missed.

            --shard I/N checks only slice I of N of the checkers (each checker's slice follows from
            its name), so N processes or machines with the same config share a very large list
            and write into one store.

            Examples:
              checkup every 10m
              checkup every day
              checkup every 1h30m
              checkup every 1m --shard 2/4

            Errors of a round are written to standard error and the loop goes on. A round in progress
            when the signal arrives is abandoned and not stored; the exit status is then 0.
            """
        case "message":
            return """
            Run every checker once, attach a message to the result of the endpoint titled TITLE, and
            store the results, so that the message appears on the status page.

            \(usage("message"))

            --about, -a TITLE   the endpoint's name (compared without regard to case); may be left
                                out when there is only one checker

            Example:
              checkup message --about=Website "Planned maintenance until 14:00 UTC"
            """
        case "push":
            return """
            Store a heartbeat for a "heartbeat" checker: run it at the end of a job (a cron job, a
            backup) that cannot be probed. Every node's next round judges it: down when the latest
            heartbeat is older than expect_every plus grace, or was pushed with --fail.

            \(usage("push"))

            --fail              the job failed: the checker is down until the next push
            --message, -m TEXT  the job's own words (at most 1000 characters), shown with --fail

            Nothing listens for connections: the heartbeat is written into the configured storage
            (heartbeats/NAME.json), so the job needs only the right to write there (for S3, the key
            of checkup provision --heartbeat).

            Example:
              backup.sh && checkup push nightly-backup || checkup push nightly-backup --fail -m "backup.sh failed"
            """
        case "incident":
            return """
            Tell the status page's visitors about an incident: open it, post updates while it is
            worked on, and resolve it. Each step is a new object in the store (incidents/), never an
            edit, so several people and nodes may post at once. The page shows open incidents at the
            top with their timeline, and the past ones by month.

            \(usage("incident"))

            --about, -a TITLES  the checkers' titles the incident is about, separated by commas
                                (compared without regard to case)
            --impact IMPACT     minor (the default), major or critical
            --status STATUS     identified or monitoring (an opened incident is investigating)

            Example:
              checkup incident open --about=Website,API --impact=major "Errors on checkout"
              checkup incident update 20261202-7f3a --status=identified "A bad deploy; rolling back"
              checkup incident resolve 20261202-7f3a "Rolled back; all is well"
            """
        case "maintenance":
            return """
            Plan maintenance: while a window is on, the endpoints it is about show "under
            maintenance" on the page instead of down, and their alerts are held back (a state that
            still holds when the window ends is told then). The page lists the windows in progress
            and to come. Each window, and its cancellation, is a new object in the store
            (maintenance/). Recurring windows go in the config's "maintenance" list.

            \(usage("maintenance"))

            --about, -a TITLES  the checkers' titles the window is about, separated by commas
            --from TIME         when it starts, RFC 3339 (2026-12-06T02:00:00Z)
            --until TIME        when it ends, RFC 3339

            Example:
              checkup maintenance add --about=Database --from=2026-12-06T02:00:00Z --until=2026-12-06T03:00:00Z "Upgrading to 17"
              checkup maintenance cancel 20261202-7f3a
            """
        case "serve":
            return """
            Serve the status page and the check files of the configured fs storage over HTTP.

            \(usage("serve"))

            --listen ADDR        address to listen on (default :3000, every interface; use
                                 127.0.0.1:3000 for this machine only)
            --statuspage DIR     the status page folder (default: ./statuspage, else the one
                                 installed beside the checkup binary)

            GET /metrics answers in the Prometheus text format: every origin's latest round
            (checkup_up, checkup_status, checkup_rtt_seconds and more, with an origin label) and the
            server's own checkup_http_requests_total by status code.

            Stop with Ctrl-C (SIGINT) or SIGTERM.
            """
        case "statuspage":
            return """
            Write a ready-to-host copy of the status page to DIR, with a js/config.js that reads the
            configured storage: for people who host the page on S3, GitHub Pages or nginx.

            \(usage("statuspage"))

            --out, -o DIR        where to write the page (created if needed; files of the page
                                 are replaced, nothing else there is touched)
            --url URL            the address the page fetches the store from (default: for S3 the
                                 bucket's HTTPS address, or the endpoint's for S3-compatible
                                 stores; for fs the storage's "url", else the path from DIR to
                                 the storage directory)
            --statuspage DIR     the page to copy (default: ./statuspage, else the one installed
                                 beside the checkup binary)

            The page reads the summaries anonymously (no credentials in config.js). An S3 bucket
            provisioned by checkup or the original allows that; upload DIR with, for example,
            aws s3 sync DIR s3://BUCKET/
            """
        case "summarize":
            return """
            Rebuild the status page's summaries from every stored check file.

            \(usage("summarize"))

            Every node keeps its own summary (summaries/<origin>.json) up to date as it stores
            results. Check files do not record which node wrote them, so the rebuilt summary is
            this node's and holds every result, and the other nodes' summaries are removed so that
            nothing is counted twice; they start anew with their next round. Use it after
            switching from the original checkup (to show the history), or to repair summaries.
            Results taken during a maintenance window for their checker are left out, as the
            rounds leave them out.
            """
        case "report":
            return """
            Print a month's availability per endpoint (UTC): uptime, results by state, total
            downtime, the longest outage and the incidents about it, from this node's summary
            (its verdicts when the store has several origins). Degraded and flaky results count
            as up; results under maintenance are left out, and windows are taken out of outages.

            \(usage("report"))

            --month YYYY-MM     the month, within the summaries' 100 days
            --format, -o FMT    md (a Markdown table, the default), csv or json

            Example:
              checkup report --month 2026-11 --format csv > 2026-11.csv
            """
        case "provision":
            return """
            Set up the storage for a status page: for S3, create the bucket, a public read-only user
            and its access key, CORS rules and a bucket policy.

            \(usage("provision"))

            Without an argument the storage of the config file is provisioned. With "s3" the
            storage is described by the environment variables AWS_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY and AWS_BUCKET_NAME instead. The credentials used need the IAM
            permissions IAMFullAccess and AmazonS3FullAccess.

            --heartbeat   create only the user checkup-heartbeat-push and its key, which may put
                          objects under heartbeats/ in the bucket and nothing else: what a job
                          running checkup push needs
            """
        case "validate":
            return """
            Check the config file without running a check or touching the storage, and report
            every problem in it, not only the first.

            \(usage("validate"))

            Each problem is one line on standard output, FILE: KEY.PATH: MESSAGE, in the words
            the other commands use when they refuse the file; within one checker, storage or
            notifier only the first problem is reported. The exit status is 1 when there is any.
            Editors can check the file as it is typed against contrib/checkup.schema.json
            ("$schema" in the file).
            """
        case "init":
            return """
            Write a starter config file that checks each URL over HTTP, with fs storage in
            ./\(StarterConfig.directory), and say what to run next. An existing file is never replaced.

            \(usage("init"))

            A URL without a scheme gets https:// in front. Each checker is named after its host
            and tries \(StarterConfig.attempts) times, \(StarterConfig.attemptSpacing) apart, with a \(StarterConfig.timeout) timeout; above \(StarterConfig.thresholdRTT) it is degraded.

            Example:
              checkup init https://example.com/ https://api.example.com/health
            """
        case "completion":
            return """
            Print a script that completes checkup's commands and flags in bash, zsh or fish.

            \(usage("completion"))

            Examples:
              source <(checkup completion bash)
              checkup completion zsh > "${fpath[1]}/_checkup"
              checkup completion fish > ~/.config/fish/completions/checkup.fish
            """
        case "man":
            return """
            Print checkup's manual page (roff), made from this help.

            \(usage("man"))

            Example:
              checkup man > /usr/local/share/man/man1/checkup.1
            """
        default:
            return """
            checkup: distributed, lock-free, self-hosted health checks and status pages.

            \(generalUsage)

            With no command, run every checker once and print the results; the exit status is 1
            unless every endpoint is healthy.

            Commands:
              check NAME        run one checker; --explain prints every step of it
              every INTERVAL    check and store once now, then every INTERVAL
              message           post a message about an endpoint to the status page
              push NAME         store a heartbeat for a job's heartbeat checker
              incident          open, update, resolve or list the status page's incidents
              maintenance       add, cancel or list planned maintenance windows
              serve             serve the status page and the fs storage's check files
              statuspage        write a ready-to-host copy of the status page
              summarize         rebuild the status page's summaries from the check files
              report            print a month's uptime, downtime and incidents per endpoint
              provision [s3]    set up S3 storage for a status page
              validate          report every problem of the config file
              init URL...       write a starter config file for the URLs
              completion SHELL  print the completion script for bash, zsh or fish
              man               print the manual page

            Flags:
              -c, --config FILE   the config file (default checkup.json)
                  --store         store the results instead of printing them (and print
                                  them too when --format or --output is given)
              -o, --format FORMAT text (the original's; the default when stdout is not a
                                  terminal), table (the default on a terminal), json (the
                                  results array of a check file) or prometheus (the text
                                  exposition format, for node_exporter's textfile collector)
                  --output FILE   write the output to FILE, replaced whole (temp file + rename)
                  --shard I/N     check only slice I of N of the checkers (by name), as one of
                                  N processes sharing a large list (also for every)
                  --version       print the version
              -h, --help          help for checkup or a command (checkup help COMMAND)
            """
        }
    }
}
