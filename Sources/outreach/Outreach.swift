import ArgumentParser
import Foundation

@main
struct Outreach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outreach",
        abstract: "Targeted, proactive awareness campaigns: segment a population, render personal messages, preview before launch.",
        version: "0.1.0",
        subcommands: [
            Validate.self,
            ImportCheck.self,
            AudienceCommand.self,
            Render.self,
            SMSInfoCommand.self,
            Preview.self,
            Plan.self,
            GeneratePopulation.self,
            Snapshot.self,
            RenderAll.self,
            OptOutCommand.self,
            Send.self,
            GatewayCommand.self,
            Launch.self,
            Update.self,
            Relaunch.self,
            Diff.self,
            Pause.self,
            Resume.self,
            Cancel.self,
            Run.self,
            Serve.self,
            Status.self,
            Report.self,
            OutcomeCommand.self,
            GenerateOutcomes.self,
            BenchHTTP.self,
            BenchSMTP.self,
            CommandReference.self,
            BenchDLR.self,
        ]
    )

    /// ArgumentParser's entry point, after narrowing the umask: whatever a command creates (ledger,
    /// outbox, snapshots, exports) is its owner's only, even where the library code does not say so.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
