// `checkup completion SHELL` and `checkup man`: the completion scripts and the manual page, made
// from the command table (`Invocation.flagSpellings`) and the help texts (`Help`), so that they
// never list a command or flag the command line does not have.

import Foundation

/// The completion scripts for bash, zsh and fish.
enum Completion {
    /// The shells there is a script for.
    static let shells = ["bash", "zsh", "fish"]

    /// The command words, as the general help lists them.
    private static var commands: [String] { Help.commandSummaries.map(\.command) + ["help"] }

    /// Flags whose value is a file (`f`) or a directory (`d`), for the shells to complete.
    private static let valueKinds = ["--config": "f", "-c": "f", "--statuspage": "d", "--out": "d", "-o": "d",
                                     "--listen": "", "--url": "", "--about": "", "-a": "", "--output": "f", "--format": "",
                                     "--message": "", "-m": "",
                                     "--impact": "", "--status": "", "--from": "", "--until": "", "--month": ""]

    /// The script for `shell` (one of `shells`).
    static func script(for shell: String) -> String {
        switch shell {
        case "zsh": zsh
        case "fish": fish
        default: bash
        }
    }

    /// bash: `complete -F`, with COMP_WORDS and COMP_CWORD.
    private static var bash: String {
        let flags = Invocation.flagSpellings
        let cases = flags.keys.filter { !$0.isEmpty }.sorted().map { word in
            "        \(word)) flags=\"\(flags[word, default: []].joined(separator: " "))\" ;;"
        }.joined(separator: "\n")
        let fileFlags = valueKinds.filter { $0.value == "f" }.keys.sorted().joined(separator: "|")
        let dirFlags = valueKinds.filter { $0.value == "d" }.keys.sorted().joined(separator: "|")
        let valueFlags = valueKinds.filter { $0.value.isEmpty }.keys.sorted().joined(separator: "|")
        return """
        # bash completion for checkup (checkup completion bash)
        _checkup() {
            local cur prev word command="" flags i
            cur="${COMP_WORDS[COMP_CWORD]}"
            prev="${COMP_WORDS[COMP_CWORD-1]}"
            case "$prev" in
                \(fileFlags)) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                \(dirFlags)) COMPREPLY=($(compgen -d -- "$cur")); return ;;
                \(valueFlags)) COMPREPLY=(); return ;;
            esac
            for ((i = 1; i < COMP_CWORD; i++)); do
                word="${COMP_WORDS[i]}"
                case "$word" in
                    -*) ;;
                    *) command="$word"; break ;;
                esac
            done
            case "$command" in
        \(cases)
                help) COMPREPLY=($(compgen -W "\(Help.topics.joined(separator: " "))" -- "$cur")); return ;;
                *) flags="\(flags["", default: []].joined(separator: " "))"
                   if [[ "$cur" != -* ]]; then
                       COMPREPLY=($(compgen -W "\(commands.joined(separator: " "))" -- "$cur")); return
                   fi ;;
            esac
            if [[ "$command" == completion && "$cur" != -* ]]; then
                COMPREPLY=($(compgen -W "\(shells.joined(separator: " "))" -- "$cur")); return
            fi
            COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        }
        complete -F _checkup checkup

        """
    }

    /// zsh: a `#compdef` function (put it in a folder of `$fpath` as `_checkup`, or source it).
    private static var zsh: String {
        let flags = Invocation.flagSpellings
        let described = Help.commandSummaries.map { "    '\($0.command):\(zshQuoted($0.summary))'" }.joined(separator: "\n")
        let cases = flags.keys.filter { !$0.isEmpty }.sorted().map { word in
            "    \(word)) flags=(\(flags[word, default: []].joined(separator: " "))) ;;"
        }.joined(separator: "\n")
        return """
        #compdef checkup
        # zsh completion for checkup (checkup completion zsh)
        _checkup() {
          local -a commands flags
          commands=(
        \(described)
            'help:help for checkup or a command'
          )
          local command="" i
          for ((i = 2; i < CURRENT; i++)); do
            if [[ ${words[i]} != -* ]]; then command=${words[i]}; break; fi
          done
          case ${words[CURRENT-1]} in
            -c|--config) _files; return ;;
            -o|--out|--statuspage) _files -/; return ;;
            --listen|--url|-a|--about) return ;;
          esac
          case $command in
        \(cases)
            help) compadd \(Help.topics.joined(separator: " ")); return ;;
            *) flags=(\(flags["", default: []].joined(separator: " ")))
               if [[ ${words[CURRENT]} != -* ]]; then _describe -t commands 'checkup command' commands; return; fi ;;
          esac
          if [[ $command == completion && ${words[CURRENT]} != -* ]]; then compadd \(shells.joined(separator: " ")); return; fi
          compadd -a flags
        }
        if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
          _checkup "$@"
        else
          compdef _checkup checkup
        fi

        """
    }

    /// fish: one `complete` line per command and flag.
    private static var fish: String {
        let flags = Invocation.flagSpellings
        let none = "not __fish_seen_subcommand_from \(commands.joined(separator: " "))"
        var lines = ["# fish completion for checkup (checkup completion fish)", "complete -c checkup -f"]
        for (command, summary) in Help.commandSummaries {
            lines.append("complete -c checkup -n '\(none)' -a \(command) -d '\(fishQuoted(summary))'")
        }
        lines.append("complete -c checkup -n '\(none)' -a help -d 'help for checkup or a command'")
        for word in flags.keys.sorted() {
            let condition = word.isEmpty ? none : "__fish_seen_subcommand_from \(word)"
            for spelling in flags[word, default: []] where spelling.hasPrefix("--") {
                let long = String(spelling.dropFirst(2))
                let short = flags[word, default: []].first { Self.shortNames[$0] == long }
                var line = "complete -c checkup -n '\(condition)' -l \(long)"
                if let short { line += " -s \(short.dropFirst())" }
                switch valueKinds[spelling] {
                case "f"?: line += " -r -F"
                case "d"?: line += " -r -a '(__fish_complete_directories)'"
                case ""?: line += " -r"
                default: break
                }
                lines.append(line)
            }
        }
        lines.append("complete -c checkup -n '__fish_seen_subcommand_from completion' -a '\(shells.joined(separator: " "))'")
        lines.append("complete -c checkup -n '__fish_seen_subcommand_from help' -a '\(Help.topics.joined(separator: " "))'")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The long name each short flag stands for.
    private static let shortNames = ["-c": "config", "-o": "out", "-a": "about", "-h": "help"]

    private static func zshQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: "'\\''").replacingOccurrences(of: ":", with: "\\:")
    }

    private static func fishQuoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }
}
