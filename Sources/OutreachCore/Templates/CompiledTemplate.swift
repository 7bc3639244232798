/// A checked, parsed template ready to render millions of messages.
///
/// Variants are chosen by the recipient's `language` field: an exact match
/// (`ar`, `en`), then its primary subtag (`ar-SA` → `ar`), else the
/// template's fallback. Each variant has its own locale: the variant's
/// `locale`, else the template's (or project's) locale when the language
/// matches, else the bare language (`en`).
///
/// Rendering is allocation-light: each message walks a flat part array and
/// appends to one string; numbers and dates come from per-locale caches.
public struct CompiledTemplate: Sendable {
    public var name: String
    public var title: String
    public var channel: Channel
    /// Variant languages in file order.
    public var languages: [String]
    /// Fields any variant reads (built-in words listed by name; see `recipientFields`).
    public var arguments: Set<String>
    /// Fields a recipient should have: `arguments` with built-in words
    /// replaced by `gender` (used when the recipient has no such field).
    public var recipientFields: Set<String>
    /// The language used when the recipient's is missing or has no variant.
    public var fallback: String
    var variants: [CompiledVariant]
    var fallbackIndex: Int

    /// Parses and checks everything; throws the first error (located).
    public init(_ spec: TemplateSpec, defaultLocale: String) throws(OutreachError) {
        var errors: [OutreachError] = []
        let compiled = Self.compile(spec, defaultLocale: defaultLocale, errors: &errors, stopAtFirst: true)
        if let first = errors.first { throw first }
        guard let compiled else {
            throw OutreachError(.invalidValue, "template '\(spec.name)' could not be compiled")
        }
        self = compiled
    }

    /// All errors (for `validate`); empty when the template is fine.
    public static func check(_ spec: TemplateSpec, defaultLocale: String) -> [OutreachError] {
        var errors: [OutreachError] = []
        _ = compile(spec, defaultLocale: defaultLocale, errors: &errors, stopAtFirst: false)
        return errors
    }

    /// Every field a message reads that is not in `knownFields` (the
    /// population's columns and the schema's fields), as located errors with
    /// "did you mean". `validate` fails on them: such a message could not be
    /// rendered for anyone. Built-in words are not fields and never listed.
    public func unknownFieldErrors(knownFields: Set<String>) -> [OutreachError] {
        var errors: [OutreachError] = []
        for variant in variants {
            for message in [variant.subject, variant.text, variant.html].compactMap({ $0 }) {
                errors += message.unknownFieldErrors(known: knownFields, template: name)
            }
        }
        return errors
    }

    /// A bare message (`outreach render --text MESSAGE --locale TAG`).
    public init(text: SourceText, locale: String, channel: Channel = .sms) throws(OutreachError) {
        let templateLocale = try TemplateLocale(locale)
        var spec = TemplateSpec(name: "<text>", file: text.file, channel: channel.rawValue, locale: locale,
                                variants: [.init(language: templateLocale.language, text: text)])
        if channel == .email { spec.variants[0].subject = SourceText("") }
        try self.init(spec, defaultLocale: locale)
    }

    /// Picks the variant by the record's `language` field (fallback when
    /// missing or unknown) and renders subject, text and html.
    public func render(_ record: some RecordData) -> Result<RenderedMessage, RenderFailure> {
        let variant = variants[variantIndex(for: record)]
        do throws(RenderFailure) {
            return .success(try variant.render(record, channel: channel))
        } catch {
            return .failure(error)
        }
    }

    /// The variant language a record would get.
    public func language(for record: some RecordData) -> String {
        variants[variantIndex(for: record)].language
    }

    private func variantIndex(for record: some RecordData) -> Int {
        guard variants.count > 1, case .text(let raw)? = record.value("language") else { return fallbackIndex }
        for (i, v) in variants.enumerated() where v.language == raw { return i }  // common case, no allocation
        let tag = raw.lowercased().replacingOccurrences(of: "_", with: "-")
        if let i = variants.firstIndex(where: { $0.language == tag }) { return i }
        let primary = tag.split(separator: "-").first.map(String.init) ?? tag
        if let i = variants.firstIndex(where: { $0.language == primary }) { return i }
        return fallbackIndex
    }

    // MARK: Compiling

    private init(name: String, title: String, channel: Channel, languages: [String], arguments: Set<String>,
                 recipientFields: Set<String>, fallback: String, variants: [CompiledVariant], fallbackIndex: Int) {
        self.name = name
        self.title = title
        self.channel = channel
        self.languages = languages
        self.arguments = arguments
        self.recipientFields = recipientFields
        self.fallback = fallback
        self.variants = variants
        self.fallbackIndex = fallbackIndex
    }

    private static func compile(_ spec: TemplateSpec, defaultLocale: String, errors: inout [OutreachError],
                                stopAtFirst: Bool) -> CompiledTemplate? {
        func fail(_ message: String, hint: String? = nil) {
            errors.append(OutreachError(.invalidValue, "template '\(spec.name)'\(spec.file.map { " (\($0))" } ?? ""): \(message)", hint: hint))
        }
        let channelName = (spec.channel ?? "sms").lowercased()
        let channel = Channel(rawValue: channelName)
        if channel == nil { fail("unknown channel '\(channelName)'", hint: "use channel: sms or channel: email") }
        if stopAtFirst && !errors.isEmpty { return nil }

        var baseLocale: TemplateLocale?
        do throws(OutreachError) {
            baseLocale = try TemplateLocale(spec.locale ?? defaultLocale)
        } catch {
            fail(error.message, hint: error.hint)
        }
        if stopAtFirst && !errors.isEmpty { return nil }
        if spec.variants.isEmpty { fail("has no message", hint: "add text: (and for email subject:)") }

        var variants: [CompiledVariant] = []
        var seen: Set<String> = []
        for variantSpec in spec.variants {
            // A single-language file without its own locale gives an empty language: the locale's.
            var language = variantSpec.language.lowercased().replacingOccurrences(of: "_", with: "-")
            if language.isEmpty, let baseLocale { language = baseLocale.language }
            if !seen.insert(language).inserted { fail("language '\(language)' appears twice") }
            var locale: TemplateLocale?
            do throws(OutreachError) {
                if let own = variantSpec.locale {
                    locale = try TemplateLocale(own)
                } else if let baseLocale, baseLocale.language == language
                            || (baseLocale.language == "fil" && language == "tl") {
                    locale = baseLocale
                } else {
                    locale = try TemplateLocale(language)
                }
            } catch {
                fail("variant '\(language)': \(error.message)", hint: error.hint)
            }
            func parse(_ source: SourceText?) -> MessageTemplate? {
                guard let source else { return nil }
                do throws(OutreachError) {
                    return try MessageTemplate.parse(source)
                } catch {
                    errors.append(error)
                    return nil
                }
            }
            let text = parse(variantSpec.text)
            let subject = parse(variantSpec.subject)
            let html = parse(variantSpec.html)
            if channel == .sms {
                if variantSpec.text == nil { fail("variant '\(language)' has no text") }
                for (key, source) in [("subject", variantSpec.subject), ("html", variantSpec.html)] {
                    if let source {
                        errors.append(OutreachError(.invalidValue, "\(key) is only for email templates", in: source, atCharacterOffset: 0,
                                                    hint: "remove it, or set channel: email"))
                    }
                }
            } else if channel == .email {
                if variantSpec.subject == nil { fail("email variant '\(language)' has no subject") }
                if variantSpec.text == nil { fail("email variant '\(language)' has no text", hint: "email needs a plain text part; html is optional") }
            }
            if stopAtFirst && !errors.isEmpty { return nil }
            if let locale, let channel {
                variants.append(CompiledVariant(language: language, locale: locale, channel: channel,
                                                text: text, subject: subject, html: html))
            }
        }

        var fallbackIndex = 0
        if let fallback = spec.fallback?.lowercased().replacingOccurrences(of: "_", with: "-") {
            if let i = variants.firstIndex(where: { $0.language == fallback }) {
                fallbackIndex = i
            } else if !seen.contains(fallback) {
                fail("fallback '\(fallback)' has no variant", hint: "use one of: \(seen.sorted().joined(separator: ", "))")
            }
        }
        guard errors.isEmpty, let channel, !variants.isEmpty else { return nil }

        var arguments: Set<String> = []
        var fields: Set<String> = []
        for v in variants {
            for m in [v.text, v.subject, v.html].compactMap({ $0 }) {
                arguments.formUnion(m.arguments)
                fields.formUnion(m.recipientFields)
            }
        }
        return CompiledTemplate(name: spec.name, title: spec.title ?? spec.name, channel: channel,
                                languages: variants.map(\.language), arguments: arguments, recipientFields: fields,
                                fallback: variants[fallbackIndex].language, variants: variants, fallbackIndex: fallbackIndex)
    }
}
