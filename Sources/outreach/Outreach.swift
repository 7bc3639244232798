import ArgumentParser

@main
struct Outreach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outreach",
        abstract: "Targeted, proactive awareness campaigns: segment, render, preview, send."
    )
}
