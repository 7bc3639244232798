/// One audience as written in `audiences/NAME.yaml`: who it is for (`title`,
/// `description`) and who is in it (`rule`, the `where` text with its place
/// in the file so errors point at the right line and column).
public struct AudienceDefinition: Sendable {
    public var name: String
    public var title: String
    public var description: String
    public var rule: SourceText

    public init(name: String, title: String, description: String, rule: SourceText) {
        self.name = name
        self.title = title
        self.description = description
        self.rule = rule
    }
}
