extension ContactAddress {
    /// An address as the ledger already holds it (normalised when the message was queued).
    public init(ledgerAddress: String, channel: Channel) {
        self.value = ContactAddress.key(ledgerAddress)
        self.channel = channel
    }
}
