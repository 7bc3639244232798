public import OutreachCore
import Foundation
import Yams

/// Loads a project folder. Every file is read independently so that one
/// broken file does not hide problems in the others: `problems` collects
/// them all (what `outreach validate` prints), and `load` throws the first.
public struct ProjectLoader {
    public var root: String
    /// `--population FILE`, overriding outreach.yaml.
    public var populationOverride: String?
    /// `--schema FILE`, overriding outreach.yaml.
    public var schemaOverride: String?
    /// Where `${ENV_NAME}` in gateways.yaml is read from (tests inject their own).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public private(set) var problems: [OutreachError] = []
    /// The problems of single audience, template and campaign files, by absolute path (also in `problems`).
    /// A launched campaign runs from its stored version, so these block nothing already launched.
    public private(set) var fileProblems: [String: OutreachError] = [:]
    /// `problems` that are not a single file's: outreach.yaml, the schema.
    public var projectProblems: [OutreachError] {
        let files = Set(fileProblems.values.map(\.description))
        return problems.filter { !files.contains($0.description) }
    }
    /// False when the schema could not be read: checks that depend on field
    /// types would only repeat that one problem.
    public private(set) var schemaLoaded = false

    public init(root: String, populationOverride: String? = nil, schemaOverride: String? = nil) {
        self.root = root
        self.populationOverride = populationOverride
        self.schemaOverride = schemaOverride
    }

    /// Loads everything; throws the first problem found.
    public static func load(root: String, population: String? = nil, schema: String? = nil) throws(OutreachError) -> Project {
        var loader = ProjectLoader(root: root, populationOverride: population, schemaOverride: schema)
        let project = loader.loadCollectingProblems()
        if let first = loader.problems.first { throw first }
        return project
    }

    /// Loads what can be loaded and records every problem in `problems`.
    public mutating func loadCollectingProblems() -> Project {
        problems = []
        fileProblems = [:]
        let rootPath = (root as NSString).standardizingPath
        var configuration = ProjectConfiguration()
        let configPath = join(rootPath, "outreach.yaml")
        if FileManager.default.fileExists(atPath: configPath) {
            do { configuration = try Self.readConfiguration(configPath) } catch { problems.append(error) }
        } else {
            problems.append(OutreachError(.missingFile, "no outreach.yaml in \(rootPath)",
                                          hint: "run outreach in a project folder or pass --project DIR"))
        }

        var schema = PopulationSchema(idField: "id")
        if let schemaFile = schemaOverride.map(absolute) ?? configuration.schemaFile.map({ join(rootPath, $0) }) {
            do {
                schema = try Self.readSchema(schemaFile)
                schemaLoaded = true
            } catch { problems.append(error) }
        } else {
            problems.append(OutreachError(.invalidProject, "no population schema: set population.schema in outreach.yaml or pass --schema FILE"))
        }

        var audiences: [AudienceDefinition] = []
        for path in yamlFiles(in: join(rootPath, "audiences")) {
            do { audiences.append(try Self.readAudience(path)) } catch {
                problems.append(error)
                fileProblems[path] = error
            }
        }
        var templates: [TemplateSpec] = []
        for path in yamlFiles(in: join(rootPath, "templates")) {
            do { templates.append(try Self.readTemplate(path)) } catch {
                problems.append(error)
                fileProblems[path] = error
            }
        }
        var campaigns: [CampaignDefinition] = []
        for path in yamlFiles(in: join(rootPath, "campaigns")) {
            do { campaigns.append(try Self.readCampaign(path, configuration: configuration)) } catch {
                problems.append(error)
                fileProblems[path] = error
            }
        }

        let populationPath = populationOverride.map(absolute) ?? configuration.populationFile.map { join(rootPath, $0) }
        var project = Project(root: rootPath, configuration: configuration, schema: schema, audiences: audiences,
                              templates: templates, campaigns: campaigns, populationPath: populationPath)
        // gateways.yaml (optional): its problems are kept on the project, see `Project.gatewayProblems`.
        let gateways = GatewaysLoader(environment: environment).load(join(rootPath, GatewaysLoader.fileName))
        project.gateways = gateways.gateways
        project.declaredGatewayNames = gateways.declaredNames
        project.gatewayProblems = gateways.problems
        return project
    }

    // MARK: - Paths

    private func join(_ a: String, _ b: String) -> String {
        b.hasPrefix("/") ? b : (a as NSString).appendingPathComponent(b)
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    private func yamlFiles(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { join(folder, $0) }
    }

    /// The file of audience, template or campaign `name` in `folder` (`.yaml` or `.yml`), when it exists.
    public static func sourceFile(root: String, folder: String, name: String) -> String? {
        let base = ((root as NSString).standardizingPath as NSString).appendingPathComponent(folder)
        return ["yaml", "yml"].map { (base as NSString).appendingPathComponent("\(name).\($0)") }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    static func baseName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    // MARK: - outreach.yaml

    /// Just `ROOT/outreach.yaml`, for commands that need no more of the
    /// project (the suppression list, say).
    public static func configuration(root: String) throws(OutreachError) -> ProjectConfiguration {
        try readConfiguration(URL(fileURLWithPath: root).appendingPathComponent("outreach.yaml").path)
    }

    static func readConfiguration(_ path: String) throws(OutreachError) -> ProjectConfiguration {
        let file = try YAMLFile.load(path)
        let map = try MappingReader(file, file.root, what: "outreach.yaml")
        try map.rejectUnknownKeys(["name", "timezone", "locale", "population", "contacts", "quiet_hours", "frequency_cap", "ledger", "store", "max_parts", "opt_out_scope", "server", "replies"], what: "outreach.yaml")
        var config = ProjectConfiguration()
        if let name = try map.string("name") { config.name = name }
        if let tz = try map.string("timezone") {
            guard TimeZone(identifier: tz) != nil else {
                throw file.error(.invalidValue, "unknown time zone '\(tz)'", at: map.value("timezone")!,
                                 hint: "use an IANA name such as Asia/Riyadh or Europe/London")
            }
            config.timeZone = tz
        }
        if let locale = try map.string("locale") { config.locale = locale }
        if let text = try map.string("quiet_hours") {
            guard let window = TimeWindow(text) else {
                throw file.error(.invalidValue, "quiet_hours '\(text)' is not a daily window", at: map.value("quiet_hours")!,
                                 hint: "write it as HH:MM-HH:MM, e.g. \"22:00-09:00\"")
            }
            config.quietHours = window
        }
        if let node = map.value("frequency_cap") {
            config.frequencyCap = try readFrequencyCap(file, node)
        }
        if let ledger = try map.string("ledger") { config.ledgerPath = ledger }
        if let store = try map.string("store") {
            config.store = store
            config.storeSource = map.value("store").map { file.location(of: $0) }
        }
        if let parts = try readMaxParts(file, map) { config.maxParts = parts }
        if let text = try map.string("opt_out_scope") {
            guard let scope = Suppression.Scope(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "opt_out_scope '\(text)' must be person or address", at: map.value("opt_out_scope")!,
                                 hint: "person: an opt-out on any address stops every channel; address: only that address")
            }
            config.optOutScope = scope
        }
        if let node = map.value("replies") {
            config.replies = try readReplies(file, node)
        }
        if let node = map.value("population") {
            let pop = try MappingReader(file, node, what: "population")
            try pop.rejectUnknownKeys(["file", "schema"], what: "population")
            config.populationFile = try pop.string("file")
            config.schemaFile = try pop.string("schema")
        }
        if let node = map.value("contacts") {
            let contacts = try MappingReader(file, node, what: "contacts")
            try contacts.rejectUnknownKeys(["sms", "email"], what: "contacts")
            if let f = try contacts.string("sms") { config.contactFields[.sms] = f }
            if let f = try contacts.string("email") { config.contactFields[.email] = f }
        }
        if let node = map.value("server") { config.server = try readServer(file, node) }
        return config
    }

    /// `replies: {stop_words: [...], start_words: [...], stop_confirmation: "...", start_confirmation: "..."}`.
    /// A list given replaces the default one; `start_words: []` turns START off.
    static func readReplies(_ file: YAMLFile, _ node: Node) throws(OutreachError) -> ReplySettings {
        let map = try MappingReader(file, node, what: "replies")
        try map.rejectUnknownKeys(["stop_words", "start_words", "stop_confirmation", "start_confirmation"], what: "replies")
        func words(_ key: String, default defaults: [String]) throws(OutreachError) -> [String] {
            guard let node = map.value(key) else { return defaults }
            if case .sequence(let seq) = node, seq.isEmpty { return [] }
            let list = try map.stringList(key) ?? []
            for (index, word) in list.enumerated() where StopWords.key(word).isEmpty {
                let items: [Node] = if case .sequence(let seq) = node { Array(seq) } else { [] }
                let at = index < items.count ? items[index] : node
                throw file.error(.invalidValue, "replies \(key): '\(word)' has no letters to match", at: at,
                                 hint: "a word is matched against a whole reply, ignoring case, harakat and punctuation")
            }
            return list
        }
        let stop = try words("stop_words", default: StopWords.defaultStopWords)
        if stop.isEmpty {
            throw file.error(.invalidValue, "replies stop_words must not be empty", at: map.value("stop_words")!,
                             hint: "people must always be able to stop messages; list at least STOP and إيقاف")
        }
        let start = try words("start_words", default: StopWords.defaultStartWords)
        let stopWords = StopWords(stopWords: stop, startWords: start)
        if let word = stopWords.ambiguousWords.first {
            throw file.error(.invalidValue, "replies: '\(word)' is both a stop word and a start word", at: map.value("start_words")!,
                             hint: "remove it from one of the lists")
        }
        var settings = ReplySettings(words: stopWords)
        for key in ["stop_confirmation", "start_confirmation"] {
            guard let text = try map.string(key) else { continue }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw file.error(.invalidValue, "replies \(key) is empty", at: map.value(key)!, hint: "write the text to send, or remove the key")
            }
            if key == "stop_confirmation" { settings.stopConfirmation = text } else { settings.startConfirmation = text }
        }
        return settings
    }

    /// `server: {listen: "127.0.0.1:8080", public_url: "https://…", metrics: true, rate_limit: 2000/s,
    /// rate_limit_burst: 10000}` for `outreach serve`.
    static func readServer(_ file: YAMLFile, _ node: Node) throws(OutreachError) -> ServerConfiguration {
        let map = try MappingReader(file, node, what: "server")
        try map.rejectUnknownKeys(["listen", "public_url", "metrics", "rate_limit", "rate_limit_burst"], what: "server")
        var server = ServerConfiguration()
        if let text = try map.string("listen") {
            guard let address = ServerConfiguration.listenAddress(text) else {
                throw file.error(.invalidValue, "server.listen '\(text)' is not HOST:PORT", at: map.value("listen")!,
                                 hint: "e.g. \"127.0.0.1:8080\" (\"[::1]:8080\" for IPv6); the port is 1-65535")
            }
            server.host = address.host
            server.port = address.port
        }
        if let text = try map.string("public_url") {
            guard ServerConfiguration.isPublicURL(text) else {
                throw file.error(.invalidValue, "server.public_url '\(text)' is not an http(s) URL", at: map.value("public_url")!,
                                 hint: "the address gateways reach the server at, e.g. \"https://outreach.example.org\"")
            }
            server.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        if let metrics = try map.bool("metrics") { server.metrics = metrics }
        if let text = try map.string("rate_limit") {
            if ["off", "none", "false", "no"].contains(text.lowercased()) {
                server.rateLimit = nil
            } else {
                guard let rate = RateLimit.parse(text) else {
                    throw file.error(.invalidValue, "server.rate_limit '\(text)' is not a rate", at: map.value("rate_limit")!,
                                     hint: "requests per source address, e.g. 2000/s or 60000/min; off for no limit")
                }
                server.rateLimit = RateLimit(perSecond: rate.perSecond, burst: ServerConfiguration.defaultRateLimit.burst)
            }
        }
        if let text = try map.string("rate_limit_burst") {
            guard let burst = Int(text), burst >= 1, burst <= 10_000_000 else {
                throw file.error(.invalidValue, "server.rate_limit_burst '\(text)' is not a whole number from 1 to 10000000",
                                 at: map.value("rate_limit_burst")!, hint: "requests one source may make at once before the rate applies")
            }
            guard server.rateLimit != nil else {
                throw file.error(.invalidValue, "server.rate_limit_burst has no effect with rate_limit: off", at: map.keyNode("rate_limit_burst")!)
            }
            server.rateLimit?.burst = burst
        }
        return server
    }

    // MARK: - schema.yaml

    public static func readSchema(_ path: String) throws(OutreachError) -> PopulationSchema {
        let file = try YAMLFile.load(path)
        let map = try MappingReader(file, file.root, what: "schema")
        try map.rejectUnknownKeys(["id", "fields", "encoding", "delimiter"], what: "schema")
        let id = try map.requiredString("id", what: "the schema")
        var fields: [String: FieldType] = [:]
        if let node = map.value("fields") {
            let reader = try MappingReader(file, node, what: "fields")
            for pair in reader.pairs {
                guard let raw = pair.value.string, let type = FieldType(rawValue: raw.trimmingCharacters(in: .whitespaces)) else {
                    let names = FieldType.allCases.map(\.rawValue)
                    var hint = "types are: \(names.joined(separator: ", "))"
                    if let s = pair.value.string, let close = NameSuggestion.closest(to: s, in: names) { hint = "did you mean '\(close)'? " + hint }
                    throw file.error(.invalidValue, "unknown type '\(pair.value.string ?? "?")' for field '\(pair.key)'", at: pair.value, hint: hint)
                }
                fields[pair.key] = type
            }
        }
        var schema = PopulationSchema(idField: id, fields: fields)
        if let raw = try map.string("encoding") {
            guard let encoding = PopulationEncoding(name: raw.trimmingCharacters(in: .whitespaces)) else {
                throw file.error(.invalidValue, "unknown encoding '\(raw)'", at: map.value("encoding")!,
                                 hint: "encodings are: \(PopulationEncoding.allCases.map(\.rawValue).joined(separator: ", ")); convert others with iconv")
            }
            schema.encoding = encoding
        }
        // Not trimmed: a tab is written "\t" in YAML.
        if let raw = try map.string("delimiter") {
            guard let delimiter = CSVDelimiter(name: raw) ?? CSVDelimiter(name: raw.trimmingCharacters(in: .whitespaces)) else {
                throw file.error(.invalidValue, "unknown delimiter '\(TerminalText.escaped(raw))'", at: map.value("delimiter")!,
                                 hint: #"delimiters are: "," (default), ";", tab (or "\t"), "|" — quote them in YAML"#)
            }
            schema.delimiter = delimiter
        }
        return schema
    }

    // MARK: - audiences/NAME.yaml

    static func readAudience(_ path: String) throws(OutreachError) -> AudienceDefinition {
        try readAudience(try YAMLFile.load(path))
    }

    /// Reads `text` as the file at `path` would be read: a launched version's stored text, with problems
    /// reported at that path's lines and columns.
    public static func readAudience(text: String, path: String) throws(OutreachError) -> AudienceDefinition {
        try readAudience(try YAMLFile.parse(text, path: path))
    }

    static func readAudience(_ file: YAMLFile) throws(OutreachError) -> AudienceDefinition {
        let path = file.path
        let map = try MappingReader(file, file.root, what: "an audience")
        try map.rejectUnknownKeys(["title", "description", "where"], what: "an audience")
        guard let whereNode = map.value("where"), let rule = file.sourceText(of: whereNode),
              !rule.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw file.error(.invalidValue, "an audience needs a 'where' rule", at: file.root,
                             hint: "for example: where: gender = 'female' AND children > 0")
        }
        let name = baseName(path)
        return AudienceDefinition(name: name, title: try map.string("title") ?? name,
                                  description: try map.string("description") ?? "", rule: rule)
    }

    // MARK: - templates/NAME.yaml

    static let templateKeys = ["title", "description", "channel", "locale", "fallback", "text", "subject", "html"]
    static let variantKeys = ["locale", "text", "subject", "html"]

    static func isLanguageKey(_ key: String) -> Bool {
        let parts = key.split(separator: "-")
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return parts.dropFirst().allSatisfy { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    static func readTemplate(_ path: String) throws(OutreachError) -> TemplateSpec {
        try readTemplate(try YAMLFile.load(path))
    }

    /// Reads `text` as the file at `path` would be read: a launched version's stored text, with problems
    /// reported at that path's lines and columns.
    public static func readTemplate(text: String, path: String) throws(OutreachError) -> TemplateSpec {
        try readTemplate(try YAMLFile.parse(text, path: path))
    }

    static func readTemplate(_ file: YAMLFile) throws(OutreachError) -> TemplateSpec {
        let path = file.path
        let map = try MappingReader(file, file.root, what: "a template")
        for pair in map.pairs where !templateKeys.contains(pair.key) && !isLanguageKey(pair.key) {
            var hint = "keys are \(templateKeys.joined(separator: ", ")) and language codes (ar, en, …) for variants"
            if let close = NameSuggestion.closest(to: pair.key, in: templateKeys) { hint = "did you mean '\(close)'? " + hint }
            throw file.error(.unknownName, "unknown key '\(pair.key)' in a template", at: pair.keyNode, hint: hint)
        }
        let locale = try map.string("locale")
        var variants: [TemplateSpec.VariantSpec] = []
        // Single-language shorthand: text/subject/html at the top level.
        if map.value("text") != nil || map.value("subject") != nil || map.value("html") != nil {
            let language = String((locale ?? "").split(separator: "-").first ?? "")
            variants.append(TemplateSpec.VariantSpec(
                language: language,
                text: try map.value("text").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "text") },
                subject: try map.value("subject").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "subject") },
                html: try map.value("html").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "html") }))
        }
        for pair in map.pairs where isLanguageKey(pair.key) {
            if case .scalar = pair.value {
                variants.append(TemplateSpec.VariantSpec(language: pair.key, text: try scalarText(file, pair.value, key: pair.key)))
                continue
            }
            let v = try MappingReader(file, pair.value, what: "the '\(pair.key)' variant")
            try v.rejectUnknownKeys(variantKeys, what: "the '\(pair.key)' variant")
            variants.append(TemplateSpec.VariantSpec(
                language: pair.key,
                locale: try v.string("locale"),
                text: try v.value("text").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "text") },
                subject: try v.value("subject").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "subject") },
                html: try v.value("html").flatMap { node throws(OutreachError) in try scalarText(file, node, key: "html") }))
        }
        if variants.isEmpty {
            throw file.error(.invalidValue, "a template needs 'text' or at least one language variant", at: file.root,
                             hint: "add `ar:` with `text: …` (and `en:` for English readers)")
        }
        return TemplateSpec(name: baseName(path), file: path, title: try map.string("title"), channel: try map.string("channel"),
                            locale: locale, fallback: try map.string("fallback"), variants: variants)
    }

    private static func scalarText(_ file: YAMLFile, _ node: Node, key: String) throws(OutreachError) -> SourceText {
        guard let text = file.sourceText(of: node) else {
            throw file.error(.invalidValue, "'\(key)' must be text (use `|` for several lines)", at: node)
        }
        return text
    }

    // MARK: - campaigns/NAME.yaml

    static let campaignKeys = ["title", "description", "audience", "exclude", "template", "channel", "gateway", "sender", "schedule",
                               "throttle", "frequency_cap", "on_uncertain", "quiet_hours_overflow", "smart_encoding",
                               "max_parts", "duplicate_addresses", "holdout", "attribution", "test_phase"]

    /// `holdout: 5%` (a campaign's or a segment's): 0–50%.
    static func readHoldout(_ file: YAMLFile, _ map: MappingReader) throws(OutreachError) -> HoldoutShare? {
        guard let text = try map.string("holdout") else { return nil }
        guard let share = HoldoutShare(text) else {
            throw file.error(.invalidValue, "holdout '\(text)' must be a percentage from 0% to \(Int(HoldoutShare.maximumPercent))%",
                             at: map.value("holdout")!,
                             hint: "the share of the audience deliberately not messaged, e.g. holdout: 5%")
        }
        return share
    }

    /// A segment's `variants: [{template: a, weight: 50}, {template: b, weight: 50}]`: two or more
    /// different templates, each with a positive weight (1 when not given).
    static func readVariants(_ file: YAMLFile, _ node: Node, note: (String, Node?) -> Void) throws(OutreachError) -> [CampaignDefinition.Variant] {
        guard case .sequence(let items) = node else {
            throw file.error(.invalidValue, "'variants' must be a list of {template: NAME, weight: N}", at: node,
                             hint: "e.g. variants: [{template: vax_short, weight: 50}, {template: vax_warm, weight: 50}]")
        }
        var variants: [CampaignDefinition.Variant] = []
        for item in items {
            let map = try MappingReader(file, item, what: "a variant")
            try map.rejectUnknownKeys(["template", "weight"], what: "a variant")
            let template = try map.requiredString("template", what: "a variant")
            var weight = 1.0
            if let text = try map.string("weight") {
                guard let w = Double(text.trimmingCharacters(in: .whitespaces)), w.isFinite, w > 0 else {
                    throw file.error(.invalidValue, "variant '\(template)': weight '\(text)' must be a positive number",
                                     at: map.value("weight")!, hint: "a variant's share is its weight over the segment's total, e.g. 50 and 50")
                }
                weight = w
            }
            guard !variants.contains(where: { $0.template == template }) else {
                throw file.error(.invalidValue, "template '\(template)' is listed twice in 'variants'", at: map.value("template")!,
                                 hint: "give it one entry with the sum of the weights")
            }
            note(template, map.value("template"))
            variants.append(.init(template: template, weight: weight))
        }
        guard variants.count >= 2 else {
            throw file.error(.invalidValue, "'variants' needs two or more templates", at: node,
                             hint: "for one template write template: NAME")
        }
        return variants
    }

    /// `{messages: 2, per: 7d}`, or `none` (only meaningful in a campaign).
    static func readFrequencyCap(_ file: YAMLFile, _ node: Yams.Node) throws(OutreachError) -> FrequencyCap? {
        if let text = node.string, text.lowercased() == "none" { return nil }
        let cap = try MappingReader(file, node, what: "frequency_cap")
        try cap.rejectUnknownKeys(["messages", "per"], what: "frequency_cap")
        let countText = try cap.requiredString("messages", what: "frequency_cap")
        guard let count = Int(countText), (1...10_000).contains(count) else {
            throw file.error(.invalidValue, "frequency_cap messages '\(countText)' must be a whole number of at least 1 and at most 10000", at: cap.value("messages")!)
        }
        let perText = try cap.requiredString("per", what: "frequency_cap")
        guard let interval = ScheduleInterval(perText), let days = interval.wholeDays, days >= 1 else {
            throw file.error(.invalidValue, "frequency_cap per '\(perText)' must be days or weeks", at: cap.value("per")!,
                             hint: "e.g. per: 7d or per: 1w")
        }
        return FrequencyCap(maxMessages: count, days: days)
    }

    /// `max_parts: 10`: the most SMS parts one message may cost (outreach.yaml
    /// for the project, a campaign for itself).
    static func readMaxParts(_ file: YAMLFile, _ map: MappingReader) throws(OutreachError) -> Int? {
        guard let text = try map.string("max_parts") else { return nil }
        let range = ConfigurationLimits.maxParts
        guard let parts = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(parts) else {
            throw file.error(.invalidValue, "max_parts '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                             at: map.value("max_parts")!, hint: "the most SMS parts one message may cost; longer messages are not sent")
        }
        return parts
    }

    /// `test_phase: {share: 10%, decide_after: 48h, metric: reply}`: share 1–50%, decide_after hours, days
    /// or weeks (1 h to 60 d), metric outcome, reply or delivered (default outcome).
    static func readTestPhase(_ file: YAMLFile, _ node: Node) throws(OutreachError) -> TestPhase {
        let map = try MappingReader(file, node, what: "test_phase")
        try map.rejectUnknownKeys(["share", "decide_after", "metric"], what: "test_phase")
        let shareText = try map.requiredString("share", what: "test_phase")
        let range = TestPhase.allowedPercent
        guard let share = HoldoutShare(shareText), range.contains(share.percent) else {
            throw file.error(.invalidValue, "test_phase share '\(shareText)' must be a percentage from \(Int(range.lowerBound))% to \(Int(range.upperBound))%",
                             at: map.value("share")!, hint: "the share of the audience that gets the variants first, e.g. share: 10%")
        }
        let afterText = try map.requiredString("decide_after", what: "test_phase")
        let hours = TestPhase.allowedHours
        guard let after = TestPhase.hours(afterText), hours.contains(after) else {
            throw file.error(.invalidValue, "test_phase decide_after '\(afterText)' must be a duration in hours, days or weeks, from 1h to \(hours.upperBound / 24)d",
                             at: map.value("decide_after")!, hint: "how long after the test share's send the leading variant is chosen, e.g. decide_after: 48h")
        }
        var metric = TestPhase.Metric.outcome
        if let text = try map.string("metric") {
            guard let m = TestPhase.Metric(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw file.error(.invalidValue, "test_phase metric '\(text)' must be outcome, reply or delivered", at: map.value("metric")!,
                                 hint: "outcome: imported outcomes; reply: replies received; delivered: delivery reports")
            }
            metric = m
        }
        return TestPhase(percent: share.percent, decideAfterHours: after, metric: metric)!
    }

    /// `attribution: 14d` (days or weeks): how long after a send an outcome counts for it (default 14 days).
    static func readAttribution(_ file: YAMLFile, _ map: MappingReader) throws(OutreachError) -> AttributionWindow {
        guard let text = try map.string("attribution") else { return .default }
        let range = AttributionWindow.allowedDays
        guard let days = ScheduleInterval(text)?.wholeDays, range.contains(days) else {
            throw file.error(.invalidValue, "attribution '\(text)' must be days or weeks, from \(range.lowerBound)d to \(range.upperBound)d",
                             at: map.value("attribution")!,
                             hint: "how long after a send an outcome counts for it, e.g. attribution: 14d")
        }
        return AttributionWindow(days: days)
    }

    private static func site(_ file: YAMLFile, _ node: Node) -> CampaignSourceMap.Site {
        let location = file.location(of: node)
        return CampaignSourceMap.Site(location: location, sourceLine: file.sourceLine(location.line))
    }

    static func readCampaign(_ path: String, configuration: ProjectConfiguration = ProjectConfiguration()) throws(OutreachError) -> CampaignDefinition {
        try readCampaign(try YAMLFile.load(path), configuration: configuration)
    }

    /// Reads `text` as the file at `path` would be read: a launched version's stored text, with problems
    /// reported at that path's lines and columns.
    public static func readCampaign(text: String, path: String, configuration: ProjectConfiguration = ProjectConfiguration()) throws(OutreachError) -> CampaignDefinition {
        try readCampaign(try YAMLFile.parse(text, path: path), configuration: configuration)
    }

    static func readCampaign(_ file: YAMLFile, configuration: ProjectConfiguration = ProjectConfiguration()) throws(OutreachError) -> CampaignDefinition {
        let path = file.path
        let map = try MappingReader(file, file.root, what: "a campaign")
        try map.rejectUnknownKeys(campaignKeys, what: "a campaign")
        let name = baseName(path)
        let defaultTemplate = try map.string("template")
        // Where each referenced name is written, for errors about it (validate, preview).
        var sources = CampaignSourceMap()
        func note(_ names: inout [String: CampaignSourceMap.Site], _ name: String, _ node: Node?) {
            guard let node, names[name] == nil else { return }
            names[name] = site(file, node)
        }
        if let template = defaultTemplate { note(&sources.templates, template, map.value("template")) }
        guard let audienceNode = map.value("audience") else {
            throw file.error(.invalidValue, "a campaign needs 'audience'", at: file.root,
                             hint: "name one audience (audience: mothers) or list segments")
        }
        var segments: [CampaignDefinition.Segment] = []
        // Each holdout written, for the urgency check below.
        var holdoutSites: [(HoldoutShare, Node)] = []
        switch audienceNode {
        case .scalar(let s):
            guard let template = defaultTemplate else {
                throw file.error(.invalidValue, "a campaign needs 'template'", at: file.root)
            }
            segments.append(.init(name: s.string, audience: s.string, template: template))
            note(&sources.audiences, s.string, audienceNode)
        case .sequence(let items):
            for item in items {
                if let s = item.string {
                    guard let template = defaultTemplate else {
                        throw file.error(.invalidValue, "segment '\(s)' has no template and the campaign has no 'template'", at: item)
                    }
                    segments.append(.init(name: s, audience: s, template: template))
                    note(&sources.audiences, s, item)
                    continue
                }
                let seg = try MappingReader(file, item, what: "a segment")
                try seg.rejectUnknownKeys(["name", "audience", "template", "variants", "holdout"], what: "a segment")
                let audience = try seg.requiredString("audience", what: "a segment")
                var variants: [CampaignDefinition.Variant] = []
                if let node = seg.value("variants") {
                    if seg.value("template") != nil {
                        throw file.error(.invalidValue, "segment '\(audience)' has both 'template' and 'variants'", at: seg.keyNode("variants")!,
                                         hint: "variants list the segment's templates: remove 'template'")
                    }
                    variants = try readVariants(file, node) { name, node in note(&sources.templates, name, node) }
                }
                let written = try seg.string("template")
                guard let template = variants.first?.template ?? written ?? defaultTemplate else {
                    throw file.error(.invalidValue, "segment '\(audience)' has no template and the campaign has no 'template'", at: item)
                }
                segments.append(.init(name: try seg.string("name") ?? audience, audience: audience, template: template,
                                      variants: variants, holdout: try readHoldout(file, seg)))
                if let share = segments.last?.holdout { holdoutSites.append((share, seg.value("holdout")!)) }
                note(&sources.audiences, audience, seg.value("audience"))
                if let own = try seg.string("template") { note(&sources.templates, own, seg.value("template")) }
            }
        default:
            throw file.error(.invalidValue, "'audience' must be a name or a list of segments", at: audienceNode)
        }
        if segments.isEmpty { throw file.error(.invalidValue, "a campaign needs at least one audience", at: audienceNode) }

        var channels: [Channel] = []
        for raw in try map.stringList("channel") ?? ["sms"] {
            guard let channel = Channel(rawValue: raw.lowercased()) else {
                throw file.error(.invalidValue, "unknown channel '\(raw)'", at: map.value("channel")!, hint: "channels are sms and email")
            }
            channels.append(channel)
        }
        let schedule = try map.value("schedule").map { node throws(OutreachError) in
            try ScheduleReader.read(file, node, configuration: configuration)
        }
        var throttle: RateLimit?
        if let text = try map.string("throttle") {
            guard let rate = RateLimit.parse(text) else {
                throw file.error(.invalidValue, "throttle '\(text)' is not a rate", at: map.value("throttle")!, hint: "write e.g. 100/s or 3000/min")
            }
            guard ConfigurationLimits.messagesPerSecond.contains(rate.perSecond) else {
                throw file.error(.invalidValue,
                                 "throttle '\(text)' is out of range: it must be from \(ConfigurationLimits.describe(rate: ConfigurationLimits.messagesPerSecond))",
                                 at: map.value("throttle")!)
            }
            throttle = rate
        }
        var cap: FrequencyCap??
        if let node = map.value("frequency_cap") { cap = .some(try readFrequencyCap(file, node)) }
        var onUncertain = UncertainPolicy.skip
        if let text = try map.string("on_uncertain") {
            guard let policy = UncertainPolicy(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "on_uncertain '\(text)' must be skip or resend", at: map.value("on_uncertain")!)
            }
            onUncertain = policy
        }
        var duplicates = DuplicateAddressPolicy.skip
        if let text = try map.string("duplicate_addresses") {
            guard let policy = DuplicateAddressPolicy(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "duplicate_addresses '\(text)' must be skip or send", at: map.value("duplicate_addresses")!,
                                 hint: "skip: one message per address in an occurrence; send: one per recipient")
            }
            duplicates = policy
        }
        var overflow = QuietHoursOverflow.hold
        if let text = try map.string("quiet_hours_overflow") {
            guard let policy = QuietHoursOverflow(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "quiet_hours_overflow '\(text)' must be hold or skip",
                                 at: map.value("quiet_hours_overflow")!)
            }
            overflow = policy
        }
        // `gateway: NAME` for every channel, or `gateway: {sms: NAME, email: NAME}`.
        var gateway: String?
        var channelGateways: [Channel: String] = [:]
        if let node = map.value("gateway") {
            if case .mapping = node {
                let byChannel = try MappingReader(file, node, what: "gateway")
                try byChannel.rejectUnknownKeys(["sms", "email"], what: "gateway")
                for channel in [Channel.sms, .email] {
                    if let name = try byChannel.string(channel.rawValue) { channelGateways[channel] = name }
                }
            } else {
                gateway = try map.string("gateway")
            }
        }
        var definition = CampaignDefinition(name: name, file: path, title: try map.string("title") ?? name, segments: segments,
                                  exclude: try map.stringList("exclude") ?? [], channels: channels,
                                  gateway: gateway, sender: try map.string("sender"), schedule: schedule,
                                  throttle: throttle, frequencyCap: cap, onUncertain: onUncertain,
                                  smartEncoding: try map.bool("smart_encoding") ?? false)
        definition.holdout = try readHoldout(file, map)
        if let share = definition.holdout { holdoutSites.append((share, map.value("holdout")!)) }
        // An urgent warning goes to everyone it concerns: nobody may be held back to measure it.
        if schedule?.urgent == true, let (share, node) = holdoutSites.first(where: { $0.0.fraction > 0 }) {
            throw file.error(.invalidValue, "an urgent campaign cannot have a holdout (holdout: \(share))", at: node,
                             hint: "remove 'holdout', or 'urgent: true' from the schedule if the campaign is not urgent")
        }
        if let node = map.value("test_phase") {
            let key = map.keyNode("test_phase") ?? node
            guard segments.contains(where: { !$0.variants.isEmpty }) else {
                throw file.error(.invalidValue, "test_phase needs variants: no segment has two or more templates to test", at: key,
                                 hint: "give a segment variants: [{template: a, weight: 50}, {template: b, weight: 50}], or remove 'test_phase'")
            }
            if schedule?.urgent == true {
                throw file.error(.invalidValue, "an urgent campaign cannot have a test_phase: everyone must get it now", at: key,
                                 hint: "remove 'test_phase', or 'urgent: true' from the schedule if the campaign is not urgent")
            }
            definition.testPhase = try readTestPhase(file, node)
        }
        definition.channelGateways = channelGateways
        definition.quietHoursOverflow = overflow
        definition.duplicateAddresses = duplicates
        definition.gatewayLocation = map.value("gateway").map { file.location(of: $0) }
        definition.maxParts = try readMaxParts(file, map) ?? configuration.maxParts
        definition.attribution = try readAttribution(file, map)
        if let node = map.value("exclude") {
            if case .sequence(let items) = node {
                for item in items { if let name = item.string { note(&sources.audiences, name, item) } }
            } else {
                for name in definition.exclude { note(&sources.audiences, name, node) }
            }
        }
        if let node = map.value("gateway") {
            if case .mapping = node {
                for channel in [Channel.sms, .email] {
                    if let name = channelGateways[channel], case .mapping(let byChannel) = node {
                        note(&sources.gateways, name, byChannel[channel.rawValue])
                    }
                }
            } else if let name = gateway {
                note(&sources.gateways, name, node)
            }
        }
        sources.channel = map.value("channel").map { site(file, $0) }
        sources.sender = map.value("sender").map { site(file, $0) }
        if case .mapping(let schedule)? = map.value("schedule"), let node = schedule["relative_to"] {
            sources.relativeTo = site(file, node)
        }
        definition.sources = sources
        return definition
    }
}
