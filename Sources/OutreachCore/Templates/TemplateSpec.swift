/// Raw template file content (`templates/NAME.yaml`); the project layer
/// fills it from YAML and `CompiledTemplate` checks and compiles it.
public struct TemplateSpec: Sendable {
    /// File name without `.yaml`.
    public var name: String
    /// Path, for errors.
    public var file: String?
    public var title: String?
    /// `sms` or `email`; anything else is an error. nil means `sms`.
    public var channel: String?
    /// BCP 47; nil means the project default.
    public var locale: String?
    /// Language used when a recipient's `language` is missing or has no
    /// variant; default: the first variant.
    public var fallback: String?
    /// In file order. A single-language file gives one variant whose
    /// language is the locale's language.
    public var variants: [VariantSpec]

    /// One language's text (and for email, subject and HTML) as written, with source locations for errors.
    public struct VariantSpec: Sendable {
        /// `ar`, `en`, …
        public var language: String
        /// Optional per-variant locale override.
        public var locale: String?
        public var text: SourceText?
        public var subject: SourceText?
        public var html: SourceText?

        public init(language: String, locale: String? = nil, text: SourceText? = nil,
                    subject: SourceText? = nil, html: SourceText? = nil) {
            self.language = language
            self.locale = locale
            self.text = text
            self.subject = subject
            self.html = html
        }
    }

    public init(name: String, file: String? = nil, title: String? = nil, channel: String? = nil,
                locale: String? = nil, fallback: String? = nil, variants: [VariantSpec] = []) {
        self.name = name
        self.file = file
        self.title = title
        self.channel = channel
        self.locale = locale
        self.fallback = fallback
        self.variants = variants
    }
}

/// How a message is delivered; decides what a template must have
/// (SMS: `text`; email: `subject` and `text`, optional `html`).
public enum Channel: String, Sendable, Hashable, Codable {
    case sms
    case email
}

/// One recipient's message, ready to send.
public struct RenderedMessage: Sendable, Equatable {
    /// The variant used (after fallback).
    public var language: String
    public var subject: String?
    public var text: String
    public var html: String?

    public init(language: String, subject: String? = nil, text: String, html: String? = nil) {
        self.language = language
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Why a recipient gets no message: the template needs something the
/// record does not have. Counted and shown in previews, never sent.
public struct RenderFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// For people: "missing first_name", "visits is not a number".
    public var reason: String
    /// The field at fault, when there is one.
    public var field: String?

    public init(reason: String, field: String? = nil) {
        self.reason = reason
        self.field = field
    }

    static func missing(_ field: String) -> RenderFailure {
        RenderFailure(reason: "missing \(field)", field: field)
    }

    public var description: String { reason }
}
