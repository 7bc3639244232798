import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach diff NAME`: what changed on disk since the campaign's launched
/// version, as a unified diff per file. Exit 0 when nothing changed, 1 when
/// something did (as diff(1)).
struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed in a launched campaign's files (campaign, templates, audiences) since its launched version.")

    @OptionGroup var options: ProjectOptions
    @Argument(help: "Campaign name.") var campaign: String
    @Option(name: .long, help: "Ledger file.") var ledger: String?

    func run() async throws {
        let changed = try await reportingErrors { () async throws -> Bool in
            let disk = try LaunchWorkspace(options)
            let store = try disk.workspace.openLedger(ledger)
            guard let version = try await store.latestVersion(campaign: campaign) else {
                let state = try await store.campaignState(campaign)
                if state == .draft {
                    _ = try disk.workspace.campaignDefinition(campaign)
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is a draft: there is no launched version to compare with",
                                        hint: "`outreach launch \(campaign)` stores its first version")
                }
                throw OutreachError(.invalidValue, "campaign '\(campaign)' was launched before versions were kept: no stored version yet",
                                    hint: "the next `outreach run` stores its files as version 1")
            }
            let diff = VersionDiff(version, workspace: disk)
            guard diff.hasChanges else {
                print("No changes since launched version \(version.number) (\(version.kind.rawValue), sha256 \(version.hash.prefix(12))).")
                return false
            }
            for line in diff.unified { print(line) }
            print("")
            print("\(diff.files.count) file(s) differ from launched version \(version.number); `outreach update \(campaign)` applies them.")
            return true
        }
        if changed { throw ExitCode(1) }
    }
}
