import Foundation
public import OutreachCore
public import OutreachProject

/// A project loaded for commands that work on launched campaigns (`run`,
/// `status`, `report`, `diff`, `launch`, `update`, `relaunch`): a broken
/// audience, template or campaign file is a warning, since a launched
/// campaign runs from its stored version; a problem with outreach.yaml or
/// the schema still stops the command.
public struct LaunchWorkspace: Sendable {
    public let workspace: Workspace
    /// Problems of single files, by absolute path.
    public let fileProblems: [String: OutreachError]

    public var project: Project { workspace.project }

    /// The project at `root` (population and schema files as given instead of outreach.yaml's), evaluated on
    /// `today` (YYYY-MM-DD, default today in its time zone). `rehearsal`: gateways' `${ENV}` secrets that are not
    /// set get stand-ins (a rehearsal sends through none of them).
    public init(root: String, population: String? = nil, schema: String? = nil, today: String? = nil,
                rehearsal: Bool = false) throws(OutreachError) {
        var loader = ProjectLoader(root: root, populationOverride: population, schemaOverride: schema)
        if rehearsal {
            let gateways = ((root as NSString).standardizingPath as NSString).appendingPathComponent(GatewaysLoader.fileName)
            loader.environment = GatewaysLoader.rehearsalEnvironment(gateways, environment: loader.environment)
        }
        let project = loader.loadCollectingProblems()
        if let first = loader.projectProblems.first { throw first }
        workspace = Workspace(project: project, today: try Workspace.evaluationDay(today, project: project))
        fileProblems = loader.fileProblems
    }

    /// The problem of campaign `name`'s file, when it has one.
    public func campaignProblem(_ name: String) -> OutreachError? {
        fileProblems.first { (($0.key as NSString).lastPathComponent as NSString).deletingPathExtension == name
            && ($0.key as NSString).deletingLastPathComponent.hasSuffix("/campaigns") }?.value
    }

    /// Whether campaign `name` has a file on disk (loaded or not).
    public func campaignFileExists(_ name: String) -> Bool {
        ProjectLoader.sourceFile(root: project.root, folder: "campaigns", name: name) != nil
    }

    /// "missing" or "errors" when campaign `name`'s file is gone or does not load, else nil.
    public func fileNote(_ name: String) -> String? {
        if campaignProblem(name) != nil { return "errors" }
        return campaignFileExists(name) ? nil : "missing"
    }

    /// Problems of the template and audience files a campaign on disk names.
    public func problems(usedBy campaign: CampaignDefinition) -> [OutreachError] {
        let templates = Set(campaign.templateNames)
        // Audiences named, directly or through rules that load, including ones whose file does not.
        var audiences = Set<String>()
        var pending = campaign.segments.map(\.audience) + campaign.exclude
        while let name = pending.popLast() {
            guard audiences.insert(name).inserted else { continue }
            if let definition = project.audiences.first(where: { $0.name == name }),
               let rule = try? AudienceRule.parse(definition.rule) { pending += rule.referencedAudiences }
        }
        return fileProblems.sorted { $0.key < $1.key }.compactMap { path, error in
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            if folder == "templates" && (templates.contains(name) || templates.contains(where: { name.hasPrefix($0 + "_") })) { return error }
            if folder == "audiences" && audiences.contains(name) { return error }
            return nil
        }
    }

    /// One line per broken file, for stderr (a file of a launched campaign is said to be running its stored version elsewhere).
    public func warningLines(except skipped: Set<String> = []) -> [String] {
        fileProblems.sorted { $0.key < $1.key }.filter { !skipped.contains($0.key) }.map { path, error in
            "warning: \(CampaignSources.relativePath(path, to: project.root)) not loaded (nothing launched depends on it): "
                + Self.firstLine(error)
        }
    }

    /// An error in one line: where in its file, and what.
    public static func firstLine(_ error: OutreachError) -> String {
        (error.location.map { "line \($0.line), column \($0.column): " } ?? "") + error.message
    }

    /// A launched version read back, with a workspace whose templates and audiences are the version's.
    public func launched(_ version: CampaignVersion) throws(OutreachError) -> (campaign: CampaignDefinition, workspace: Workspace) {
        let (campaign, overlay) = try CampaignSources.load(version, over: project)
        return (campaign, Workspace(project: overlay, today: workspace.today))
    }

    /// Every check `validate` runs, on what a version sends.
    public static func checkErrors(_ workspace: Workspace) -> [OutreachError] {
        ProjectCheck(project: workspace.project).errors
    }
}

/// What changed on disk since a launched version, file by file.
public struct VersionDiff {
    /// How one file differs from the version's copy.
    public enum Change {
        case changed(LineDiff)
        case deleted
        /// A file the campaign on disk now uses that the version does not hold.
        case new(String)
        /// Still on disk, but the campaign on disk no longer uses it.
        case unused
    }

    /// One file (path relative to the project) and how it changed.
    public struct File {
        public var path: String
        public var change: Change
    }

    public let version: CampaignVersion
    public private(set) var files: [File] = []

    public init(_ version: CampaignVersion, workspace: LaunchWorkspace) {
        self.version = version
        let root = workspace.project.root
        var current: [CampaignVersion.Source]?
        if let definition = workspace.project.campaign(version.campaign) {
            current = try? CampaignSources.collect(definition, project: workspace.project)
        }
        for source in version.sources {
            let path = (root as NSString).appendingPathComponent(source.path)
            guard FileManager.default.fileExists(atPath: path) else {
                files.append(File(path: source.path, change: .deleted))
                continue
            }
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let diff = LineDiff(old: source.text, new: text)
            if diff.hasChanges {
                files.append(File(path: source.path, change: .changed(diff)))
            } else if let current, source.role != .campaign, !current.contains(where: { $0.role == source.role && $0.name == source.name }) {
                files.append(File(path: source.path, change: .unused))
            }
        }
        for source in current ?? [] where version.source(source.role, source.name) == nil {
            files.append(File(path: source.path, change: .new(source.text)))
        }
    }

    public var hasChanges: Bool { !files.isEmpty }

    /// One line per file: what `update` and `relaunch` show before asking.
    public var summary: [String] {
        files.map { file in
            switch file.change {
            case .changed(let diff): "  \(file.path): changed (+\(diff.added) -\(diff.removed) lines)"
            case .deleted: "  \(file.path): deleted on disk"
            case .new: "  \(file.path): new, now used by the campaign"
            case .unused: "  \(file.path): no longer used by the campaign"
            }
        }
    }

    /// The unified diff, as `diff -u` prints it, with a header per file.
    public var unified: [String] {
        var out: [String] = []
        let label = "launched version \(version.number)"
        for file in files {
            switch file.change {
            case .changed(let diff):
                out += ["--- \(file.path)\t(\(label))", "+++ \(file.path)\t(on disk)"] + diff.unified()
            case .deleted:
                out.append("\(file.path): deleted on disk (\(label) holds it; it keeps sending from there)")
            case .new(let text):
                out.append("\(file.path): new, now used by the campaign on disk")
                out += ["--- /dev/null", "+++ \(file.path)\t(on disk)"] + LineDiff(old: "", new: text).unified()
            case .unused:
                out.append("\(file.path): no longer used by the campaign on disk")
            }
        }
        return out
    }
}
