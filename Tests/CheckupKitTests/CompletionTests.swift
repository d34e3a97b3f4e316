import Foundation
import Testing
@testable import CheckupKit

/// `checkup completion SHELL` and `checkup man`: the scripts load in their shells and complete
/// the commands and flags the command line has; the man page renders without a warning and
/// says what `--help` says.
@Suite(.timeLimit(.minutes(2))) struct CompletionTests {
    /// The help text of `topic` (nil: the general one), from the binary.
    static func help(_ topic: String?) throws -> String {
        let run = try runCLI((topic.map { [$0] } ?? []) + ["--help"], in: repositoryRoot.path)
        try #require(run.status == 0)
        return run.stdout
    }

    /// The commands the general help lists, in its order.
    static func commands() throws -> [String] {
        let lines = try help(nil).split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "Commands:"))
        return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { String($0.dropFirst(2).prefix { $0 != " " }) }
    }

    /// What bash's completion offers for `line` (the last word is the one being completed).
    static func bashCompletes(_ line: String, script: String) throws -> [String] {
        let program = """
        source "$1"
        read -ra COMP_WORDS <<< "$2"
        [[ "$2" == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _checkup
        printf '%s\\n' "${COMPREPLY[@]}"
        """
        let run = try runTool("bash", ["--norc", "-c", program, "bash", script, line], in: (script as NSString).deletingLastPathComponent)
        try #require(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletionLoadsAndCompletesCommandsAndFlags() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let generated = try runCLI(["completion", "bash"], in: dir)
        #expect(generated.status == 0)
        let script = dir + "/checkup.bash"
        try Data(generated.stdout.utf8).write(to: URL(fileURLWithPath: script))

        let loaded = try runTool("bash", ["--norc", "-c", "source <(\"$1\" completion bash) && complete -p checkup", "bash", checkupBinary])
        #expect(loaded.status == 0 && loaded.stdout == "complete -F _checkup checkup\n", "\(loaded.stderr)")

        #expect(try Self.bashCompletes("checkup ev", script: script) == ["every"])
        #expect(try Self.bashCompletes("checkup ", script: script) == Self.commands() + ["help"])
        #expect(try Self.bashCompletes("checkup serve --", script: script) == ["--config", "--help", "--listen", "--statuspage"])
        #expect(try Self.bashCompletes("checkup --st", script: script) == ["--store"])
        #expect(try Self.bashCompletes("checkup completion ", script: script) == ["bash", "zsh", "fish"])
        #expect(try Self.bashCompletes("checkup help va", script: script) == ["validate"])
        #expect(try Self.bashCompletes("checkup statuspage -o ", script: script).isEmpty)  // directories of dir: none
        // Every command the completion offers is one the command line takes.
        #expect(try Self.commands().count >= 10)
        for command in try Self.commands() {
            let help = try runCLI([command, "--help"], in: dir)
            #expect(help.status == 0 && help.stdout.contains("Usage: checkup \(command)"), "\(command)")
        }
    }

    @Test func zshAndFishScriptsParseAndFishCompletes() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        for shell in ["zsh", "fish"] {
            let script = try runCLI(["completion", shell], in: dir)
            try Data(script.stdout.utf8).write(to: URL(fileURLWithPath: "\(dir)/checkup.\(shell)"))
            let parsed = try runTool(shell, ["-n", "\(dir)/checkup.\(shell)"])
            #expect(parsed.status == 0 && parsed.stderr.isEmpty, "\(shell): \(parsed.stderr)")
        }
        let fish = try runTool("fish", ["--no-config", "-c", "source $argv[1]; complete -C 'checkup ser'; complete -C 'checkup serve --'", "\(dir)/checkup.fish"])
        #expect(fish.stdout.contains("serve\tserve the status page") && fish.stdout.contains("--listen\n"), "\(fish.stdout)\(fish.stderr)")
        let zsh = try runTool("zsh", ["-f", "-c", "autoload -U compinit && compinit -u -D && source $1 && print ${_comps[checkup]}", "zsh", "\(dir)/checkup.zsh"])
        #expect(zsh.stdout == "_checkup\n", "\(zsh.stderr)")
        let unknown = try runCLI(["completion", "tcsh"], in: dir)
        #expect(unknown.status == 2 && unknown.stderr.hasPrefix(#"checkup: completion: "tcsh" is not a shell it knows"#))
    }

    @Test func manPageRendersWithoutWarningsAndIsTheCommittedOne() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let man = try runCLI(["man"], in: dir)
        #expect(man.status == 0)
        #expect(man.stdout == (try String(contentsOf: repositoryRoot.appendingPathComponent("contrib/checkup.1"), encoding: .utf8)),
                "contrib/checkup.1 is out of date: run checkup man > contrib/checkup.1")
        let rendered = try runTool("groff", ["-man", "-Tutf8", "-ww", "-z"], input: man.stdout)
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered.stderr)")
        let text = try runTool("groff", ["-man", "-Tutf8", "-rHY=0"], input: man.stdout, environment: ["GROFF_NO_SGR": "1"])
        #expect(text.stdout.contains("CHECKUP(1)") && text.stdout.contains("validate"))
    }

    @Test func manPageHoldsEveryLineOfTheHelp() throws {
        // The roff source, unescaped, holds each line of every help text (one source of truth).
        let lines = Set(ManPageSource.lines(try runCLI(["man"], in: repositoryRoot.path).stdout))
        for topic in try [nil] + Self.commands() {
            for line in try Self.help(topic).split(separator: "\n") where !line.hasPrefix("Usage: ") && !line.hasPrefix("checkup: ") {
                #expect(lines.contains(String(line)) || lines.contains(line.trimmingCharacters(in: .whitespaces)),
                        "\(topic ?? "checkup"): \(line)")
            }
        }
    }
}

/// Reading roff back: the text lines of a page with the escapes `checkup man` writes undone.
enum ManPageSource {
    static func lines(_ roff: String) -> [String] {
        roff.split(separator: "\n").filter { !$0.hasPrefix(".") }.map {
            var line = String($0)
            if line.hasPrefix("\\&") { line.removeFirst(2) }
            return line.replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\e", with: "\\")
        }
    }
}
