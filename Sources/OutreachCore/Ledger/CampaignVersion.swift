public import Foundation

/// What a campaign was launched from: the source texts of the campaign, the
/// templates it uses and the audiences its segments and exclusions name
/// (and the audiences those name), frozen in the ledger at launch, update
/// or relaunch. The scheduler sends this, whatever happens to the files.
///
/// The texts are kept, not parsed values, so a stored version is read by
/// the same loader as the files on disk and reports problems at the same
/// file, line and column.
public struct CampaignVersion: Sendable, Hashable {
    /// Why a version was stored.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `outreach launch` of a draft.
        case launch
        /// `outreach update` of a launched or paused campaign.
        case update
        /// `outreach relaunch` of a cancelled or completed campaign: a new generation.
        case relaunch
        /// A campaign launched before versions were kept: its files as the first `run` found them.
        case adopted
    }

    /// One stored file.
    public struct Source: Sendable, Hashable, Codable {
        /// What the file is to the campaign; files are listed campaign first, then templates, then audiences.
        public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
            case campaign, template, audience

            public static func < (a: Role, b: Role) -> Bool {
                allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
            }
        }

        public var role: Role
        /// The campaign's, template's or audience's name (its file's base name).
        public var name: String
        /// The path relative to the project folder (`templates/x.yaml`): where problems are reported.
        public var path: String
        public var text: String

        public init(role: Role, name: String, path: String, text: String) {
            self.role = role
            self.name = name
            self.path = path
            self.text = text
        }
    }

    public var campaign: String
    /// 1, 2, … in the order stored.
    public var number: Int
    public var kind: Kind
    /// 1 until the campaign is relaunched; each relaunch adds one. Occurrence
    /// keys of generation 2 on carry it (`g2:#1`), so a relaunch's sends are
    /// never taken for the earlier run's.
    public var generation: Int
    public var storedAt: Date
    /// Sorted by role, then name.
    public var sources: [Source]

    public init(campaign: String, number: Int, kind: Kind, generation: Int, storedAt: Date, sources: [Source]) {
        self.campaign = campaign
        self.number = number
        self.kind = kind
        self.generation = generation
        self.storedAt = storedAt
        self.sources = Self.canonicalOrder(sources)
    }

    /// The content hash, lower-case hex SHA-256 of `canonicalForm(sources)`.
    public var hash: String { Self.hash(sources) }

    public func source(_ role: Source.Role, _ name: String) -> Source? {
        sources.first { $0.role == role && $0.name == name }
    }

    public static func canonicalOrder(_ sources: [Source]) -> [Source] {
        sources.sorted { ($0.role, $0.name) < ($1.role, $1.name) }
    }

    /// Role, name and text of every source in canonical order, each field
    /// length-prefixed (so no text can imitate a boundary). Paths are left
    /// out: moving the project folder changes nothing that is sent.
    /// Line ends are normalised to LF, as YAML reads them.
    public static func canonicalForm(_ sources: [Source]) -> [UInt8] {
        var bytes: [UInt8] = Array("outreach-campaign-version-1\n".utf8)
        for source in canonicalOrder(sources) {
            let text = source.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            for field in [source.role.rawValue, source.name, text] {
                let utf8 = Array(field.utf8)
                bytes += Array("\(utf8.count):".utf8) + utf8 + [0x0A]
            }
        }
        return bytes
    }

    public static func hash(_ sources: [Source]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA256.hash(canonicalForm(sources)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The occurrence key an entry of this generation is stored under.
    public static func occurrenceKey(_ occurrence: String, generation: Int) -> String {
        generation <= 1 ? occurrence : "g\(generation):\(occurrence)"
    }
}
