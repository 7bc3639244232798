/// The durable ledger: populated by the ledger work.
enum OutreachStoreModule {}
