public import OutreachCore
import Foundation

/// The files a campaign is sent from — its own, the templates it uses (with
/// per-channel `NAME_CHANNEL` ones) and the audiences its segments and
/// exclusions name, with the audiences those name — as texts to store in a
/// launched version, and a stored version read back into a project.
public enum CampaignSources {
    /// The campaign's files as they are on disk now. A name the project does
    /// not define is left out (the launch checks report it).
    public static func collect(_ campaign: CampaignDefinition, project: Project) throws(OutreachError) -> [CampaignVersion.Source] {
        var sources: [CampaignVersion.Source] = []
        guard let file = campaign.file ?? ProjectLoader.sourceFile(root: project.root, folder: "campaigns", name: campaign.name) else {
            throw OutreachError(.missingFile, "campaign '\(campaign.name)' has no file")
        }
        sources.append(try source(.campaign, campaign.name, file: file, root: project.root))
        for name in templateNames(campaign, project: project) {
            guard let path = ProjectLoader.sourceFile(root: project.root, folder: "templates", name: name) else { continue }
            sources.append(try source(.template, name, file: path, root: project.root))
        }
        for name in try audienceNames(campaign, project: project) {
            guard let path = ProjectLoader.sourceFile(root: project.root, folder: "audiences", name: name) else { continue }
            sources.append(try source(.audience, name, file: path, root: project.root))
        }
        return CampaignVersion.canonicalOrder(sources)
    }

    /// Segments' templates (every variant's) and the per-channel ones `RecipientComposer` may pick for them.
    static func templateNames(_ campaign: CampaignDefinition, project: Project) -> [String] {
        var names: [String] = []
        // Every variant's template too: a launched version sends what each variant says.
        for template in campaign.templateNames {
            var candidates = [template]
            var stems = [template]
            for channel in [Channel.sms, .email] where template.hasSuffix("_\(channel.rawValue)") {
                stems.append(String(template.dropLast(channel.rawValue.count + 1)))
            }
            for stem in stems { for channel in [Channel.sms, .email] { candidates.append("\(stem)_\(channel.rawValue)") } }
            for name in candidates where !names.contains(name) && project.template(name) != nil { names.append(name) }
        }
        return names
    }

    /// Segments' and exclusions' audiences and, transitively, those their rules name with `IN AUDIENCE`.
    static func audienceNames(_ campaign: CampaignDefinition, project: Project) throws(OutreachError) -> [String] {
        var seen: [String] = []
        var pending = campaign.segments.map(\.audience) + campaign.exclude
        while let name = pending.popLast() {
            guard !seen.contains(name), let definition = project.audiences.first(where: { $0.name == name }) else { continue }
            seen.append(name)
            pending += try AudienceRule.parse(definition.rule).referencedAudiences
        }
        return seen
    }

    private static func source(_ role: CampaignVersion.Source.Role, _ name: String, file: String,
                               root: String) throws(OutreachError) -> CampaignVersion.Source {
        CampaignVersion.Source(role: role, name: name, path: relative(file, to: root), text: try YAMLFile.readText(file))
    }

    /// `file` relative to the project folder, when it is inside it (for messages).
    public static func relativePath(_ file: String, to root: String) -> String { relative(file, to: root) }

    static func relative(_ file: String, to root: String) -> String {
        let base = (root as NSString).standardizingPath + "/"
        let path = (file as NSString).standardizingPath
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// A stored version read back with the project's loader: the campaign
    /// and a copy of `project` whose campaigns, templates and audiences are
    /// exactly the version's (nothing on disk changes what it sends).
    /// Problems are reported at the files' original paths.
    public static func load(_ version: CampaignVersion, over project: Project) throws(OutreachError) -> (campaign: CampaignDefinition, project: Project) {
        func path(_ source: CampaignVersion.Source) -> String {
            source.path.hasPrefix("/") ? source.path : (project.root as NSString).appendingPathComponent(source.path)
        }
        guard let own = version.source(.campaign, version.campaign) else {
            throw OutreachError(.invalidProject, "version \(version.number) of campaign '\(version.campaign)' holds no campaign file")
        }
        let campaign = try ProjectLoader.readCampaign(text: own.text, path: path(own), configuration: project.configuration)
        var overlay = project
        overlay.campaigns = [campaign]
        overlay.templates = []
        overlay.audiences = []
        for source in version.sources {
            switch source.role {
            case .campaign: continue
            case .template: overlay.templates.append(try ProjectLoader.readTemplate(text: source.text, path: path(source)))
            case .audience: overlay.audiences.append(try ProjectLoader.readAudience(text: source.text, path: path(source)))
            }
        }
        return (campaign, overlay)
    }
}
