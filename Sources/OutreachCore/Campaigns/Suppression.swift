/// The suppression list as composing sees it: who must get nothing.
///
/// With `person` scope (the default) a person any of whose addresses opted
/// out gets nothing on any channel — a STOP by SMS also stops the email; with
/// `address` scope only the opted-out address is skipped and a person may
/// still be reached on another channel.
public struct Suppression: Sendable {
    /// `opt_out_scope` in outreach.yaml.
    public enum Scope: String, Sendable, Codable, CaseIterable {
        case person, address
    }

    /// Suppression-list keys (`ContactAddress.key`: E.164 phones, lower-cased emails).
    public var keys: Set<String>
    public var scope: Scope

    public init(addresses: some Sequence<String>, scope: Scope = .person) {
        keys = Set(addresses.map(ContactAddress.key))
        self.scope = scope
    }

    /// Nobody suppressed.
    public static let none = Suppression(addresses: [], scope: .person)

    public var isEmpty: Bool { keys.isEmpty }

    public func contains(_ address: String) -> Bool {
        !keys.isEmpty && keys.contains(ContactAddress.key(address))
    }
}
