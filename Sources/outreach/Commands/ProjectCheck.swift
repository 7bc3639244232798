import Foundation
import OutreachCore
import OutreachProject

/// The cross-file checks of `validate`: rules against the schema and the
/// population's columns, templates compiled, campaigns' references.
struct ProjectCheck {
    private(set) var errors: [OutreachError] = []
    private(set) var warnings: [String] = []

    init(project: Project, schemaLoaded: Bool = true) {
        var headerProblem: OutreachError?
        let fieldTypes = Self.fieldTypes(project, problem: &headerProblem)
        if schemaLoaded, let headerProblem { errors.append(headerProblem) }
        // Without the population's columns every rule would name an
        // unknown field: one error says it all.
        let fieldsKnown = schemaLoaded && headerProblem == nil
        if fieldsKnown {
            errors += AudienceCatalog.check(project.audiences, fieldTypes: fieldTypes)
        } else if schemaLoaded {
            warnings.append("audience rules were not checked against the population's columns, since its header could not be read")
        } else {
            warnings.append("audience rules were not checked against field types, since the schema could not be read")
        }

        var channels: [String: Channel] = [:]
        for spec in project.templates {
            let problems = CompiledTemplate.check(spec, defaultLocale: project.configuration.locale)
            errors += problems
            if problems.isEmpty, let compiled = try? CompiledTemplate(spec, defaultLocale: project.configuration.locale) {
                channels[spec.name] = compiled.channel
                // A misspelt field fails every recipient: an error, located, with "did you mean".
                // Without the schema or the population's header there is nothing to check against.
                let populationRead = project.populationPath.map { FileManager.default.fileExists(atPath: $0) } ?? true
                if fieldsKnown && populationRead {
                    errors += compiled.unknownFieldErrors(knownFields: Set(fieldTypes.keys))
                }
                if compiled.recipientFields.contains("gender") && !compiled.arguments.contains("gender") && fieldTypes["gender"] == nil {
                    warnings.append("\(spec.file ?? spec.name): built-in words are chosen by 'gender', which the population does not have; everyone gets the combined form")
                }
            }
        }

        let audienceNames = Set(project.audiences.map(\.name))
        for campaign in project.campaigns {
            let at = campaign.file.map { SourceLocation(file: $0, line: 1, column: 1) }
            for name in campaign.segments.map(\.audience) + campaign.exclude where !audienceNames.contains(name) {
                var hint = "audiences are: \(audienceNames.sorted().joined(separator: ", "))"
                if let close = NameSuggestion.closest(to: name, in: audienceNames) { hint = "did you mean '\(close)'? " + hint }
                errors.append(CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown audience '\(name)'",
                                                      at: campaign.sources.audiences[name], file: campaign.file, hint: hint))
            }
            for template in campaign.templateNames {
                let templateSite = campaign.sources.templates[template]
                guard project.template(template) != nil else {
                    let names = project.templates.map(\.name)
                    var hint = "templates are: \(names.sorted().joined(separator: ", "))"
                    if let close = NameSuggestion.closest(to: template, in: names) { hint = "did you mean '\(close)'? " + hint }
                    errors.append(CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown template '\(template)'",
                                                          at: templateSite, file: campaign.file, hint: hint))
                    continue
                }
                if let channel = channels[template], !campaign.channels.contains(channel) {
                    errors.append(CampaignSourceMap.error(.invalidValue, "campaign '\(campaign.name)' sends by \(campaign.channels.map(\.rawValue).joined(separator: ", ")) but template '\(template)' is for \(channel.rawValue)",
                                                          at: templateSite, file: campaign.file))
                }
            }
            if fieldsKnown, let relative = campaign.schedule?.relative {
                let type = fieldTypes[relative.field]
                if type == nil {
                    var hint = "fields are: \(fieldTypes.keys.sorted().joined(separator: ", "))"
                    if let close = NameSuggestion.closest(to: relative.field, in: fieldTypes.keys) { hint = "did you mean '\(close)'? " + hint }
                    errors.append(CampaignSourceMap.error(.unknownField, "campaign '\(campaign.name)': relative_to names unknown field '\(relative.field)'",
                                                          at: campaign.sources.relativeTo, file: campaign.file, hint: hint))
                } else if type?.storage != .date {
                    errors.append(CampaignSourceMap.error(.typeMismatch, "campaign '\(campaign.name)': relative_to needs a date field; '\(relative.field)' is \(type!.rawValue)",
                                                          at: campaign.sources.relativeTo, file: campaign.file))
                }
            }
            if let sender = campaign.sender, let problem = SenderID.problem(sender) {
                errors.append(CampaignSourceMap.error(.invalidValue, "campaign '\(campaign.name)': sender '\(sender)' \(problem)",
                                                      at: campaign.sources.sender, file: campaign.file, hint: "sender ids are at most 11 characters: Latin letters, digits, space, '-' or '.', not only digits"))
            }
            errors += Self.gatewayErrors(campaign, project: project, at: at)
            for channel in campaign.channels where schemaLoaded && project.contactField(for: channel) == nil {
                errors.append(CampaignSourceMap.error(.invalidValue, "campaign '\(campaign.name)' sends by \(channel.rawValue) but the schema has no \(channel == .sms ? "phone" : "email") field",
                                                      at: campaign.sources.channel, file: campaign.file))
            }
        }
        errors += project.gatewayProblems
        if let path = project.populationPath, !FileManager.default.fileExists(atPath: path) {
            errors.append(OutreachError(.missingFile, "population file not found: \(path)",
                                        hint: "generate one with `outreach generate-population N --out FILE` or fix population.file"))
        }
    }

    /// A campaign's gateway must be declared in gateways.yaml and carry its
    /// channel (a file outbox takes any channel). A gateway that is declared
    /// but has a problem is reported once, by the gateways check.
    static func gatewayErrors(_ campaign: CampaignDefinition, project: Project, at: SourceLocation?) -> [OutreachError] {
        let at = campaign.gatewayLocation ?? at
        var errors: [OutreachError] = []
        var reported: Set<String> = []
        for channel in campaign.channels {
            guard let name = campaign.gateway(for: channel) else { continue }
            guard let gateway = project.gateways.first(where: { $0.name == name }) else {
                if project.declaredGatewayNames.contains(name) || !reported.insert(name).inserted { continue }
                var hint = project.declaredGatewayNames.isEmpty
                    ? "declare it in \(GatewaysLoader.fileName) (see the README's Gateways section)"
                    : "gateways are: \(project.declaredGatewayNames.sorted().joined(separator: ", "))"
                if let close = NameSuggestion.closest(to: name, in: project.declaredGatewayNames) { hint = "did you mean '\(close)'? " + hint }
                errors.append(CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown gateway '\(name)'",
                                                      at: campaign.sources.gateways[name] ?? at.map { CampaignSourceMap.Site(location: $0) },
                                                      file: campaign.file, hint: hint))
                continue
            }
            if case .file = gateway.settings { continue }
            if channel != gateway.channel {
                errors.append(OutreachError(.invalidValue, "campaign '\(campaign.name)' sends by \(channel.rawValue) but gateway '\(name)' (\(gateway.settings.typeName)) carries \(gateway.channel.rawValue)", at: at,
                                            hint: "name a gateway per channel: gateway: {sms: NAME, email: NAME}"))
            }
        }
        return errors
    }

    /// Field types as the population will have them: the file's columns
    /// (read as the import reads them: its encoding, delimiter and line
    /// ends) typed by the schema, plus the schema's fields. A file whose
    /// start the import would refuse sets `problem`.
    static func fieldTypes(_ project: Project, problem: inout OutreachError?) -> [String: FieldType] {
        var types = project.schema.fields
        types[project.schema.idField] = types[project.schema.idField] ?? .text
        if let path = project.populationPath, FileManager.default.fileExists(atPath: path) {
            do {
                for column in try PopulationFile.columns(path, schema: project.schema) ?? [] where types[column] == nil { types[column] = .text }
            } catch {
                problem = error
            }
        }
        return types
    }
}
