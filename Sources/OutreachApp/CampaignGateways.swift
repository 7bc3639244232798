public import OutreachCore
public import OutreachProject

/// Which gateway sends each of a campaign's channels, and whether those gateways fit: what `send`, `run` and
/// `serve --with-scheduler` all decide the same way.
public enum CampaignGateways {
    /// The gateway name for each of the campaign's channels (`gateway: NAME`
    /// or `gateway: {sms: NAME, email: NAME}`); every channel needs one.
    public static func byChannel(_ campaign: CampaignDefinition) throws(OutreachError) -> [Channel: String] {
        var result: [Channel: String] = [:]
        for channel in campaign.channels {
            guard let name = campaign.gateway(for: channel) else {
                throw OutreachError(.invalidProject, "campaign '\(campaign.name)' has no gateway for \(channel.rawValue)",
                                    at: campaign.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                    hint: "add gateway: NAME (one of gateways.yaml), or gateway: {sms: NAME, email: NAME}")
            }
            result[channel] = name
        }
        return result
    }

    /// Each channel's gateway must exist and carry that channel (a file outbox
    /// takes any): the first problem `validate` would report.
    public static func check(_ campaign: CampaignDefinition, project: Project) throws(OutreachError) {
        let at = campaign.file.map { SourceLocation(file: $0, line: 1, column: 1) }
        if let problem = ProjectCheck.gatewayErrors(campaign, project: project, at: at).first { throw problem }
    }
}
