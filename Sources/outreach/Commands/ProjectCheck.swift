import Foundation
import OutreachCore
import OutreachProject

/// The cross-file checks of `validate`: rules against the schema and the
/// population's columns, templates compiled, campaigns' references.
struct ProjectCheck {
    private(set) var errors: [OutreachError] = []
    private(set) var warnings: [String] = []

    init(project: Project, schemaLoaded: Bool = true) {
        let fieldTypes = Self.fieldTypes(project)
        if schemaLoaded {
            errors += AudienceCatalog.check(project.audiences, fieldTypes: fieldTypes)
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
                if schemaLoaded && populationRead {
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
                errors.append(OutreachError(.unknownName, "campaign '\(campaign.name)' names unknown audience '\(name)'", at: at, hint: hint))
            }
            for segment in campaign.segments {
                guard project.template(segment.template) != nil else {
                    errors.append(OutreachError(.unknownName, "campaign '\(campaign.name)' names unknown template '\(segment.template)'", at: at,
                                                hint: "templates are: \(project.templates.map(\.name).sorted().joined(separator: ", "))"))
                    continue
                }
                if let channel = channels[segment.template], !campaign.channels.contains(channel) {
                    errors.append(OutreachError(.invalidValue, "campaign '\(campaign.name)' sends by \(campaign.channels.map(\.rawValue).joined(separator: ", ")) but template '\(segment.template)' is for \(channel.rawValue)", at: at))
                }
            }
            if schemaLoaded, let relative = campaign.schedule?.relative {
                let type = fieldTypes[relative.field]
                if type == nil {
                    var hint = "fields are: \(fieldTypes.keys.sorted().joined(separator: ", "))"
                    if let close = NameSuggestion.closest(to: relative.field, in: fieldTypes.keys) { hint = "did you mean '\(close)'? " + hint }
                    errors.append(OutreachError(.unknownField, "campaign '\(campaign.name)': relative_to names unknown field '\(relative.field)'", at: at, hint: hint))
                } else if type?.storage != .date {
                    errors.append(OutreachError(.typeMismatch, "campaign '\(campaign.name)': relative_to needs a date field; '\(relative.field)' is \(type!.rawValue)", at: at))
                }
            }
            if let sender = campaign.sender, let problem = SenderID.problem(sender) {
                errors.append(OutreachError(.invalidValue, "campaign '\(campaign.name)': sender '\(sender)' \(problem)", at: at,
                                            hint: "sender ids are at most 11 characters: Latin letters, digits, space, '-' or '.', not only digits"))
            }
            errors += Self.gatewayErrors(campaign, project: project, at: at)
            for channel in campaign.channels where schemaLoaded && project.contactField(for: channel) == nil {
                errors.append(OutreachError(.invalidValue, "campaign '\(campaign.name)' sends by \(channel.rawValue) but the schema has no \(channel == .sms ? "phone" : "email") field", at: at))
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
                errors.append(OutreachError(.unknownName, "campaign '\(campaign.name)' names unknown gateway '\(name)'", at: at, hint: hint))
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
    /// (read from its first line) typed by the schema, plus the schema's fields.
    static func fieldTypes(_ project: Project) -> [String: FieldType] {
        var types = project.schema.fields
        types[project.schema.idField] = types[project.schema.idField] ?? .text
        if let path = project.populationPath {
            for column in PopulationHeader.columns(path) where types[column] == nil { types[column] = .text }
        }
        return types
    }
}

/// Reads just the column names of a population file (first line of a CSV,
/// keys of the first JSON object).
enum PopulationHeader {
    static func columns(_ path: String) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard let first = text.split(separator: "\n", maxSplits: 1).first else { return [] }
        let line = first.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        if path.hasSuffix(".csv") {
            return line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            return object.keys.sorted()
        }
        return []
    }
}
