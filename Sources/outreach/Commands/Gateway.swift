import ArgumentParser
import Foundation
import Logging
import OutreachApp
import OutreachCore
import OutreachDispatch
import OutreachProject
import Synchronization

/// `outreach gateway …`: the gateways of gateways.yaml.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "List the project's gateways or send one test message through one.",
        subcommands: [GatewayList.self, GatewayTest.self])
}

/// `outreach gateway list`: names, types, channels and limits.
struct GatewayList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the gateways of gateways.yaml.")

    @OptionGroup var options: ProjectOptions

    func run() throws {
        try reportingErrors {
            let project = try options.load().project
            if project.declaredGatewayNames.isEmpty {
                print("No gateways (declare them in gateways.yaml).")
                return
            }
            for name in project.declaredGatewayNames.sorted() {
                guard let g = project.gateways.first(where: { $0.name == name }) else {
                    print("\(padded(name, 12)) (has a problem: run outreach validate)")
                    continue
                }
                let rate = g.rate.map { String(format: "%g/s", $0.perSecond) + ($0.burst > 1 ? " burst \($0.burst)" : "") } ?? "unlimited"
                let channel: String = if case .file = g.settings { "sms, email" } else { g.channel.rawValue }
                print("\(padded(name, 12)) \(padded(g.settings.typeName, 7)) \(padded(channel, 11)) rate \(rate), concurrency \(g.concurrency), \(g.retry.maxAttempts) attempts")
            }
        }
    }
}

/// `outreach gateway test NAME --to ADDRESS`: one message, one attempt, and
/// the whole exchange printed with secrets masked.
struct GatewayTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test message through a gateway and print the whole exchange (secrets masked).",
        discussion: "Exit status: 0 when the gateway accepted the message, 2 when it did not, 1 on a project or gateway error.")

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Gateway name (in gateways.yaml).")
    var name: String

    @Option(name: .long, help: "A mobile number (any common Saudi or international form) or an email address.")
    var to: String

    @Option(name: .long, help: "The message text (default: a short test text in Arabic and English).")
    var text: String?

    @Option(name: .long, help: "Email subject (email only).")
    var subject: String?

    @Option(name: .long, help: "Sender id or From (default: the gateway's).")
    var sender: String?

    func run() async throws {
        let accepted = try await reportingErrors { () async throws -> Bool in
            let project = try options.load().project
            let configuration = try project.gateway(named: name)
            let channel: Channel
            if case .file = configuration.settings {
                channel = to.contains("@") ? .email : .sms
            } else {
                channel = configuration.channel
            }
            guard let address = RecipientComposer.address(.text(to), channel: channel) else {
                throw OutreachError(.invalidValue, "'\(TerminalText.escaped(to))' is not a valid \(channel == .sms ? "mobile number" : "email address")",
                                    hint: channel == .sms ? "write it as 05XXXXXXXX or +9665XXXXXXXX (other countries with + or 00)"
                                                          : "gateway '\(name)' sends \(channel.rawValue)")
            }
            if channel == .sms, let sender, let problem = SenderID.problem(sender) {
                throw OutreachError(.invalidValue, "sender id '\(TerminalText.escaped(sender))' \(problem)",
                                    hint: "at most 11 Latin letters, digits, spaces, '-' or '.', not only digits")
            }
            let stamp = Self.stamp(Date())
            let message = OutboundMessage(
                id: "gateway-test/\(stamp)", channel: channel, recipientID: "gateway-test", to: address, sender: sender,
                subject: channel == .email ? (subject ?? "اختبار Outreach — test") : nil,
                text: text ?? "اختبار من Outreach — test message (\(stamp))")

            let recorders = Mutex<[ExchangeRecorder]>([])
            let gateway = try SendGateways.make(configuration, projectRoot: project.root, logger: Logger(label: "outreach.smtp")) { c, transport in
                let recorder = ExchangeRecorder(transport, secrets: c.secretValues)
                recorders.withLock { $0.append(recorder) }
                return recorder
            }
            let outcome = await gateway.send(message, attempt: 1)
            await SendGateways.close(gateway)

            let mask = SecretMask(configuration.secretValues)
            print("Gateway \(name) (\(configuration.settings.typeName)), \(channel.rawValue) to \(address)")
            let transcripts = recorders.withLock { $0 }.map { $0.transcript() }.filter { !$0.isEmpty }
            // The exchange line by line, each line's control characters made visible (an answer is data).
            for t in transcripts {
                print("")
                print(t.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escaped(String($0)) }.joined(separator: "\n"))
            }
            print("")
            var line = "Outcome: \(outcome.kind.rawValue)"
            if let status = outcome.status { line += " (\(status))" }
            if let id = outcome.providerMessageID { line += ", provider id \(TerminalText.escaped(mask.apply(id)))" }
            if let after = outcome.retryAfterSeconds { line += ", retry after \(String(format: "%g", after)) s" }
            print(line)
            if !outcome.detail.isEmpty { print("  \(TerminalText.escaped(mask.apply(outcome.detail)))") }
            return outcome.kind == .accepted
        }
        if !accepted { throw ExitCode(2) }
    }

    static func stamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }
}
