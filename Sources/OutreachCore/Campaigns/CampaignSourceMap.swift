/// Where a campaign's file writes each value that names something defined
/// elsewhere — an audience, a template, a gateway, a field — so that an
/// error about a name that does not exist points at the name, with its line
/// and a caret, rather than at the top of the file.
public struct CampaignSourceMap: Sendable, Equatable {
    /// One written value: its location and the file's line, for the caret.
    public struct Site: Sendable, Equatable {
        public var location: SourceLocation
        public var sourceLine: String?

        public init(location: SourceLocation, sourceLine: String? = nil) {
            self.location = location
            self.sourceLine = sourceLine
        }
    }

    /// The first place each audience name is written (segments, then `exclude`).
    public var audiences: [String: Site] = [:]
    /// The first place each template name is written (`template:` and segments').
    public var templates: [String: Site] = [:]
    /// Each gateway name (`gateway: NAME` or `gateway: {sms: NAME}`).
    public var gateways: [String: Site] = [:]
    public var channel: Site?
    public var sender: Site?
    /// The schedule's `relative_to: FIELD`.
    public var relativeTo: Site?

    public init() {}

    /// An error at `site`, with its line and a caret; at the top of `file`
    /// when the site is not known (a campaign built in code).
    public static func error(_ code: OutreachError.Code, _ message: String, at site: Site?, file: String?,
                             hint: String? = nil) -> OutreachError {
        guard let site else {
            return OutreachError(code, message, at: file.map { SourceLocation(file: $0, line: 1, column: 1) }, hint: hint)
        }
        return OutreachError(code, message, at: site.location, sourceLine: site.sourceLine,
                             caretColumn: site.sourceLine == nil ? nil : site.location.column, hint: hint)
    }
}
