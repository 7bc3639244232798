import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachScheduler
import OutreachStore

/// `send CAMPAIGN --test --to ADDRESS…`: the campaign rendered for sample members of each segment, each
/// rendering sent to every staff address of its channel, never to the samples themselves. Recorded in the
/// ledger as a test occurrence (`test@INSTANT`, see `TestOccurrence`), which reports leave out of their
/// figures; quiet hours and frequency caps do not apply, and any campaign state may be tested.
extension Send {
    struct TestReport: Encodable {
        struct Sample: Encodable {
            var segment: String
            /// The member whose data filled the message (nil: no member of the segment could be rendered).
            var recipientID: String?
            var channel: String?
            /// Staff addresses it was sent to.
            var sentTo: [String]
            var note: String?
        }
        var campaign: String
        var title: String
        var occurrence: String
        var gateway: String
        var samples: [Sample]
        /// Test messages recorded (samples × staff addresses of their channel).
        var messages: Int
        var result: SendReport.Result?

        var text: String {
            var out = ["Test of campaign \(campaign) — \(title)",
                       "Occurrence \(occurrence) (a test: left out of report figures), gateway \(gateway)"]
            for s in samples {
                if let id = s.recipientID, let channel = s.channel {
                    let to = s.sentTo.isEmpty ? "no staff address for \(channel)" : s.sentTo.joined(separator: ", ")
                    out.append("  \(s.segment): sample \(id) (\(channel)) → \(to)")
                } else {
                    out.append("  \(s.segment): \(s.note ?? "no sample")")
                }
            }
            out.append("Test messages \(grouped(messages))")
            if let r = result {
                out.append("  accepted \(grouped(r.accepted))")
                out.append("  rejected \(grouped(r.rejected))")
                for x in r.rejectedByReason { out.append("    \(grouped(x.count)) — \(x.reason)") }
                out.append("  failed \(grouped(r.failed))")
                for x in r.failedByReason { out.append("    \(grouped(x.count)) — \(x.reason)") }
                if r.unfinished > 0 { out.append("  unfinished \(grouped(r.unfinished)) (interrupted)") }
            }
            return out.joined(separator: "\n")
        }
    }

    /// The staff addresses, each matched to one of the campaign's channels: a phone number for SMS, an email
    /// address for email. Anything else is an error before anything is sent.
    static func staffAddresses(_ given: [String], campaign: CampaignDefinition) throws(OutreachError) -> [(channel: Channel, address: String)] {
        var result: [(channel: Channel, address: String)] = []
        for raw in given {
            let channel: Channel = raw.contains("@") ? .email : .sms
            let kind = channel == .email ? "an email address" : "a phone number"
            guard campaign.channels.contains(channel) else {
                throw OutreachError(.invalidValue, "--to '\(TerminalText.escaped(raw))' is \(kind), but campaign '\(campaign.name)' sends "
                                    + campaign.channels.map(\.rawValue).joined(separator: " and ") + " only",
                                    hint: campaign.channels.contains(.sms) ? "give a mobile number (05XXXXXXXX or +9665XXXXXXXX)"
                                                                           : "give an email address")
            }
            guard let address = RecipientComposer.address(.text(raw), channel: channel) else {
                throw OutreachError(.invalidValue, "--to '\(TerminalText.escaped(raw))' is not a valid \(channel == .sms ? "mobile number" : "email address")",
                                    hint: channel == .sms ? "write it as 05XXXXXXXX or +9665XXXXXXXX (other countries with + or 00)"
                                                          : "write it as name@example.org")
            }
            if !result.contains(where: { $0.address == address }) { result.append((channel, address)) }
        }
        return result
    }

    func sendTest(_ workspace: Workspace, clock: any SchedulerClock) async throws -> Bool {
        // What staff receive is what the audience would: a launched campaign's launched version.
        let store = try workspace.openLedger(ledger)
        let (definition, workspace, _) = try await Self.campaignAsSent(campaign, state: try await store.campaignState(campaign),
                                                                       workspace: workspace, store: store)
        let project = workspace.project
        let staff = try Self.staffAddresses(to, campaign: definition)
        let channelGateways = try Self.channelGateways(definition)
        let gatewayNames = Array(Set(channelGateways.values)).sorted()
        let configurations = try gatewayNames.map { name throws(OutreachError) in try project.gateway(named: name) }
        try Self.checkGateways(definition, project: project)

        let (logger, sendLock) = try await Self.takeLedger(store, campaign: definition.name, project: project, clock: clock)
        defer { withExtendedLifetime(sendLock) {} }

        // Samples: the first members of each segment whose message renders, composed as a send composes
        // (the suppression list does not apply: the message goes to staff).
        let now = clock.now()
        let occurrence = TestOccurrence.key(at: now)
        let (population, _) = try workspace.population()
        let composer = try workspace.recipientComposer(for: definition, key: store.messageIDKey)
        var composing = OccurrenceComposer(composer)
        let segmentation = try CampaignSegmentation(definition, catalog: try workspace.catalog(), population: population,
                                                    today: workspace.today)
        let maker = OccurrenceEntries(campaign: definition, key: store.messageIDKey)
        var entries: [LedgerEntry] = []
        var samples: [TestReport.Sample] = []
        for part in segmentation.parts {
            var found = 0
            for row in part.members.rows where found < self.samples {
                let record = population.record(row)
                let sample = maker.entry(record, segment: part.segment.name, occurrence: occurrence, dueAt: now, now: now,
                                         personKey: 0, composing: &composing)
                guard sample.state == .queued else { continue }
                found += 1
                let targets = staff.filter { $0.channel == sample.channel }
                entries += targets.compactMap { maker.test(sample, to: $0.address, occurrence: occurrence, now: now) }
                samples.append(.init(segment: part.segment.name, recipientID: record.id, channel: sample.channel.rawValue,
                                     sentTo: targets.map(\.address)))
            }
            if found == 0 {
                samples.append(.init(segment: part.segment.name, sentTo: [],
                                     note: part.members.count == 0 ? "no members today: nothing to test"
                                                                    : "no member's message could be rendered (see send --dry-run)"))
            }
        }
        var report = TestReport(campaign: definition.name, title: definition.title, occurrence: occurrence,
                                gateway: gatewayNames.joined(separator: ", "), samples: samples, messages: entries.count)
        _ = try await store.materialise(entries, at: now)

        var lanes: [DispatchLane] = []
        var gateways: [any MessageGateway] = []
        for configuration in configurations {
            let gateway = try SendGateways.make(configuration, projectRoot: project.root)
            gateways.append(gateway)
            lanes.append(DispatchLane(gateway: gateway, configuration: configuration))
        }
        // Quiet hours (test entries carry none) and frequency caps do not apply; any campaign state may be tested.
        var request = ClaimRequest(limit: 0, now: now, campaigns: [definition.name], uncapped: [definition.name])
        request.occurrence = occurrence
        request.states = Set(CampaignState.allCases)
        var dispatchConfiguration = Run.dispatchConfiguration(lanes)
        dispatchConfiguration.expectedTotal = entries.count
        let dispatcher = Dispatcher(lanes: lanes, configuration: dispatchConfiguration, logger: logger,
                                    route: { message in channelGateways[message.channel] })
        let source = ThrottledLedgerSource(store: store, request: request, clock: clock, throttles: [:])
        let stop = DispatchStop()
        let interrupt = InterruptHandler {
            source.stop()
            stop.request()
        }
        let summary: DispatchSummary
        do {
            summary = try await CampaignScheduler.dispatch(dispatcher, from: source, stop: stop)
        } catch let cancelled as DispatchCancelled {
            summary = cancelled.summary
        }
        interrupt.stop()
        for gateway in gateways { await SendGateways.close(gateway) }
        report.result = SendReport.Result(summary, partsAccepted: 0, mask: SecretMask(configurations.flatMap(\.secretValues)))
        if json { try? printJSON(report) } else { print(report.text) }
        if summary.unfinished > 0 { throw ExitCode(130) }
        return summary.failed > 0
    }
}
