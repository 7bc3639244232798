/// A campaign's `duplicate_addresses` setting: what one occurrence does when
/// two recipients share an address (a family phone, a shared mailbox).
public enum DuplicateAddressPolicy: String, Sendable, Hashable, Codable {
    /// One message per address; the others are `skipped(duplicate_address)` (the default).
    case skip
    /// Every recipient gets their own message, however many share the address.
    case send
}
