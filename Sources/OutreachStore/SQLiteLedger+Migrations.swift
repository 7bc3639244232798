import GRDB
import OutreachCore

extension SQLiteLedger {
    /// Named, append-only migrations: never edit one that has shipped; add
    /// the next instead. GRDB records which ran in `grdb_migrations`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE ledger (
                    id                  INTEGER PRIMARY KEY,
                    campaign            TEXT    NOT NULL,
                    occurrence          TEXT    NOT NULL,
                    recipient_id        TEXT    NOT NULL,
                    message_id          TEXT    NOT NULL UNIQUE,
                    segment             TEXT,
                    address             TEXT    NOT NULL,
                    channel             TEXT    NOT NULL,
                    parts               INTEGER NOT NULL,
                    state               TEXT    NOT NULL,
                    skip_reason         TEXT,
                    attempts            INTEGER NOT NULL DEFAULT 0,
                    provider_message_id TEXT,
                    last_detail         TEXT,
                    due_at              INTEGER NOT NULL,
                    queued_at           INTEGER NOT NULL,
                    sent_at             INTEGER,
                    finished_at         INTEGER,
                    updated_at          INTEGER NOT NULL,
                    sender              TEXT,
                    subject             TEXT,
                    body                TEXT,
                    html                TEXT,
                    language            TEXT,
                    UNIQUE (campaign, occurrence, recipient_id)
                );
                -- The claim query: due queued entries in due order. Partial, so
                -- finished rows cost nothing here.
                CREATE INDEX ledger_claim ON ledger (due_at) WHERE state = 'queued';
                -- The frequency-cap query: one person's sends since T.
                CREATE INDEX ledger_cap ON ledger (recipient_id, sent_at) WHERE sent_at IS NOT NULL;
                -- Delivery reports keyed by the provider's id.
                CREATE INDEX ledger_provider ON ledger (provider_message_id) WHERE provider_message_id IS NOT NULL;
                -- Crash recovery and on_uncertain.
                CREATE INDEX ledger_sending ON ledger (campaign) WHERE state = 'sending';
                CREATE INDEX ledger_uncertain ON ledger (campaign) WHERE state = 'uncertain';

                -- Delivery reports that arrived before the gateway's answer was
                -- recorded (a fast SMSC can beat the outcome batch); applied when it is.
                CREATE TABLE pending_report (
                    id          INTEGER PRIMARY KEY,
                    key_kind    TEXT    NOT NULL,   -- 'message' or 'provider'
                    key         TEXT    NOT NULL,
                    status      TEXT    NOT NULL,
                    detail      TEXT,
                    at          INTEGER NOT NULL
                );
                CREATE INDEX pending_report_key ON pending_report (key_kind, key);

                CREATE TABLE campaign (
                    name        TEXT    PRIMARY KEY,
                    state       TEXT    NOT NULL,
                    updated_at  INTEGER NOT NULL,
                    launched_at INTEGER
                );
                -- Append-only history of state changes (who paused when).
                CREATE TABLE campaign_event (
                    id          INTEGER PRIMARY KEY,
                    campaign    TEXT    NOT NULL,
                    from_state  TEXT    NOT NULL,
                    to_state    TEXT    NOT NULL,
                    at          INTEGER NOT NULL
                );

                CREATE TABLE opt_out (
                    address     TEXT    PRIMARY KEY,   -- normalised: E.164 or lower-cased email
                    channel     TEXT    NOT NULL,
                    source      TEXT    NOT NULL,
                    reason      TEXT,
                    created_at  INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }

        // The scheduler's watermark per campaign (see ScheduleWatermarkStore).
        migrator.registerMigration("v2-schedule-watermark") { db in
            try db.execute(sql: "ALTER TABLE campaign ADD COLUMN materialised_through INTEGER")
        }

        // Claims go campaign by campaign in due order (see `claim`).
        migrator.registerMigration("v3-claim-by-campaign") { db in
            try db.execute(sql: """
                CREATE INDEX ledger_claim_campaign ON ledger (campaign, due_at) WHERE state = 'queued';
                DROP INDEX ledger_claim;
                """)
        }

        // When the first attempt at a claimed message started: after a crash,
        // claimed-but-never-attempted messages are queued again, not in doubt.
        migrator.registerMigration("v4-attempted-at") { db in
            try db.execute(sql: "ALTER TABLE ledger ADD COLUMN attempted_at INTEGER")
        }

        // One index keyed by person instead of two. The frequency-cap index
        // (recipient_id, sent_at) was written at every claim at a random place
        // (ids are not in send order), about one page per message; uniqueness
        // per (recipient, campaign, occurrence) answers the cap query as well
        // (a person has few entries), and is written once, at materialisation.
        // The old (campaign, occurrence, recipient_id) constraint was part of
        // the table, so the table is rebuilt; the campaign's queries get a
        // plain index (appended to in order).
        migrator.registerMigration("v5-person-index") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_v5 (
                    id                  INTEGER PRIMARY KEY,
                    campaign            TEXT    NOT NULL,
                    occurrence          TEXT    NOT NULL,
                    recipient_id        TEXT    NOT NULL,
                    message_id          TEXT    NOT NULL UNIQUE,
                    segment             TEXT,
                    address             TEXT    NOT NULL,
                    channel             TEXT    NOT NULL,
                    parts               INTEGER NOT NULL,
                    state               TEXT    NOT NULL,
                    skip_reason         TEXT,
                    attempts            INTEGER NOT NULL DEFAULT 0,
                    provider_message_id TEXT,
                    last_detail         TEXT,
                    due_at              INTEGER NOT NULL,
                    queued_at           INTEGER NOT NULL,
                    sent_at             INTEGER,
                    finished_at         INTEGER,
                    updated_at          INTEGER NOT NULL,
                    sender              TEXT,
                    subject             TEXT,
                    body                TEXT,
                    html                TEXT,
                    language            TEXT,
                    attempted_at        INTEGER
                );
                INSERT INTO ledger_v5 (id, campaign, occurrence, recipient_id, message_id, segment, address, channel, parts,
                    state, skip_reason, attempts, provider_message_id, last_detail, due_at, queued_at, sent_at, finished_at,
                    updated_at, sender, subject, body, html, language, attempted_at)
                SELECT id, campaign, occurrence, recipient_id, message_id, segment, address, channel, parts,
                    state, skip_reason, attempts, provider_message_id, last_detail, due_at, queued_at, sent_at, finished_at,
                    updated_at, sender, subject, body, html, language, attempted_at
                FROM ledger;
                DROP TABLE ledger;
                ALTER TABLE ledger_v5 RENAME TO ledger;
                -- One entry per person, campaign and occurrence; also the frequency-cap query's index.
                CREATE UNIQUE INDEX ledger_person ON ledger (recipient_id, campaign, occurrence);
                -- Reports, cancelling and on_uncertain read a campaign's entries.
                CREATE INDEX ledger_campaign ON ledger (campaign);
                CREATE INDEX ledger_claim_campaign ON ledger (campaign, due_at) WHERE state = 'queued';
                CREATE INDEX ledger_provider ON ledger (provider_message_id) WHERE provider_message_id IS NOT NULL;
                CREATE INDEX ledger_sending ON ledger (campaign) WHERE state = 'sending';
                CREATE INDEX ledger_uncertain ON ledger (campaign) WHERE state = 'uncertain';
                """)
        }

        // Message ids lead with the person key (`LedgerEntry.messageID`): the unique message-id index then
        // also answers "this person's messages" (the frequency cap reads a prefix), so the person index
        // goes, and a materialiser going through recipients in person-key order writes the one index left
        // in order. A million-entry occurrence had written two indexes at random places, a page read and
        // written per entry for each. Existing entries get their new id; the old one stays reachable
        // (delivery reports for messages sent before) through `message_alias`.
        migrator.registerMigration("v6-person-ordered-message-ids") { db in
            try db.execute(sql: """
                CREATE TABLE message_alias (
                    old_id      TEXT PRIMARY KEY,
                    message_id  TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
            let rename = try db.makeStatement(sql: "UPDATE ledger SET message_id = ? WHERE id = ?")
            let alias = try db.makeStatement(sql: "INSERT OR REPLACE INTO message_alias (old_id, message_id) VALUES (?, ?)")
            var after: Int64 = 0
            while true {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, campaign, occurrence, recipient_id, message_id FROM ledger WHERE id > ? ORDER BY id LIMIT 10000
                    """, arguments: [after])
                guard let last = rows.last else { break }
                after = last["id"]
                for row in rows {
                    let old: String = row["message_id"]
                    let new = LedgerEntry.messageID(campaign: row["campaign"], occurrence: row["occurrence"], recipient: row["recipient_id"],
                                                    key: .none)
                    guard new != old else { continue }
                    try rename.execute(arguments: [new, row["id"] as Int64])
                    try alias.execute(arguments: [old, new])
                }
            }
            try db.execute(sql: """
                UPDATE pending_report SET key = (SELECT message_id FROM message_alias WHERE old_id = pending_report.key)
                WHERE key_kind = 'message' AND key IN (SELECT old_id FROM message_alias);
                DROP INDEX ledger_person;
                """)
        }

        // The rendered message (sender, subject, body, html, language) moves to `ledger_payload`, keyed by the
        // ledger row's id and written once. A send rewrites its ledger row three times (claimed, attempted,
        // finished), and SQLite rewrites the whole row: ~150 bytes instead of ~600 with the text, a quarter of
        // the pages in the WAL and at checkpoints.
        migrator.registerMigration("v7-payload-table") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_payload (
                    id          INTEGER PRIMARY KEY,   -- the ledger row's id
                    sender      TEXT,
                    subject     TEXT,
                    body        TEXT    NOT NULL,
                    html        TEXT,
                    language    TEXT
                );
                INSERT INTO ledger_payload (id, sender, subject, body, html, language)
                SELECT id, sender, subject, body, html, language FROM ledger WHERE body IS NOT NULL;
                CREATE TABLE ledger_v7 (
                    id                  INTEGER PRIMARY KEY,
                    campaign            TEXT    NOT NULL,
                    occurrence          TEXT    NOT NULL,
                    recipient_id        TEXT    NOT NULL,
                    message_id          TEXT    NOT NULL UNIQUE,
                    segment             TEXT,
                    address             TEXT    NOT NULL,
                    channel             TEXT    NOT NULL,
                    parts               INTEGER NOT NULL,
                    state               TEXT    NOT NULL,
                    skip_reason         TEXT,
                    attempts            INTEGER NOT NULL DEFAULT 0,
                    provider_message_id TEXT,
                    last_detail         TEXT,
                    due_at              INTEGER NOT NULL,
                    queued_at           INTEGER NOT NULL,
                    sent_at             INTEGER,
                    finished_at         INTEGER,
                    updated_at          INTEGER NOT NULL,
                    attempted_at        INTEGER
                );
                INSERT INTO ledger_v7 (id, campaign, occurrence, recipient_id, message_id, segment, address, channel, parts,
                    state, skip_reason, attempts, provider_message_id, last_detail, due_at, queued_at, sent_at, finished_at,
                    updated_at, attempted_at)
                SELECT id, campaign, occurrence, recipient_id, message_id, segment, address, channel, parts,
                    state, skip_reason, attempts, provider_message_id, last_detail, due_at, queued_at, sent_at, finished_at,
                    updated_at, attempted_at
                FROM ledger;
                DROP TABLE ledger;
                ALTER TABLE ledger_v7 RENAME TO ledger;
                CREATE INDEX ledger_campaign ON ledger (campaign);
                CREATE INDEX ledger_claim_campaign ON ledger (campaign, due_at) WHERE state = 'queued';
                CREATE INDEX ledger_provider ON ledger (provider_message_id) WHERE provider_message_id IS NOT NULL;
                CREATE INDEX ledger_sending ON ledger (campaign) WHERE state = 'sending';
                CREATE INDEX ledger_uncertain ON ledger (campaign) WHERE state = 'uncertain';
                """)
        }

        // The recipient's quiet hours after the due time (`QuietPeriod`, milliseconds): a queued entry is
        // not claimed inside them, nor inside the same hours on a later day. NULL: any hour (urgent, and
        // every entry materialised before this migration).
        migrator.registerMigration("v8-quiet-hours") { db in
            try db.execute(sql: """
                ALTER TABLE ledger ADD COLUMN quiet_from INTEGER;
                ALTER TABLE ledger ADD COLUMN quiet_until INTEGER;
                """)
        }

        // The key message ids are hashed with (`MessageIDKey`); its one row is written when the ledger is
        // opened (`SQLiteLedger.init`): random for a new ledger, empty for one that already has entries.
        migrator.registerMigration("v9-message-id-key") { db in
            try db.execute(sql: "CREATE TABLE ledger_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL)")
        }

        // How ids are made with the key (`MessageIDKey.Scheme`). A key written before this migration made its
        // ids as SHA-256 over key and data, and keeps doing so (its entries, frequency caps and delivery
        // reports depend on them); a ledger made from now on records HMAC-SHA256 (`SQLiteLedger.init`).
        // The values are `MessageIDKey.Scheme`'s raw values, written out: a shipped migration must not change.
        migrator.registerMigration("v10-message-id-scheme") { db in
            try db.execute(sql: """
                ALTER TABLE ledger_key ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sha256-key-prefix'
                """)
        }

        // The history an entry's row cannot hold: every state change off the forward path (queued → sending →
        // accepted | failed, whose times the row keeps) — put in doubt by recovery, queued again, skipped
        // after doubt, released unsent — one append-only row each, so a report can say how many messages were
        // in doubt and what became of them after the row itself has moved on.
        migrator.registerMigration("v11-ledger-events") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_event (
                    entry_id    INTEGER NOT NULL,
                    at          INTEGER NOT NULL,
                    from_state  TEXT    NOT NULL,
                    to_state    TEXT    NOT NULL,
                    detail      TEXT
                );
                CREATE INDEX ledger_event_entry ON ledger_event (entry_id);
                CREATE INDEX ledger_event_to ON ledger_event (to_state, entry_id);
                """)
        }

        // Launched versions: what each launch, update or relaunch froze — the source texts of the campaign, its
        // templates and audiences — so the scheduler sends that, whatever happens to the files on disk.
        migrator.registerMigration("v12-campaign-versions") { db in
            try db.execute(sql: """
                CREATE TABLE campaign_version (
                    campaign    TEXT    NOT NULL,
                    version     INTEGER NOT NULL,
                    kind        TEXT    NOT NULL,   -- launch, update, relaunch, adopted
                    generation  INTEGER NOT NULL,   -- 1, then one more per relaunch
                    stored_at   INTEGER NOT NULL,
                    hash        TEXT    NOT NULL,   -- SHA-256 of the sources' canonical form
                    PRIMARY KEY (campaign, version)
                );
                CREATE TABLE campaign_version_source (
                    campaign    TEXT    NOT NULL,
                    version     INTEGER NOT NULL,
                    role        TEXT    NOT NULL,   -- campaign, template, audience
                    name        TEXT    NOT NULL,
                    path        TEXT    NOT NULL,   -- relative to the project folder
                    text        TEXT    NOT NULL,
                    PRIMARY KEY (campaign, version, role, name)
                );
                """)
        }

        // Replies people send back (SMS MO), each against the last message sent to that address, and what it did
        // (a STOP word opted the address out, a START word back in). The partial index finds that last message.
        migrator.registerMigration("v13-replies") { db in
            try db.execute(sql: """
                CREATE TABLE reply (
                    id          INTEGER PRIMARY KEY,
                    received_at INTEGER NOT NULL,
                    address     TEXT    NOT NULL,   -- normalised like ledger.address
                    channel     TEXT    NOT NULL,
                    text        TEXT    NOT NULL,
                    gateway     TEXT    NOT NULL,
                    campaign    TEXT,               -- what it answers: the last message sent to the address
                    occurrence  TEXT,
                    message_id  TEXT,
                    segment     TEXT,
                    outcome     TEXT    NOT NULL    -- opted_out, opted_in, stored
                );
                CREATE INDEX reply_campaign ON reply (campaign, outcome);
                CREATE INDEX ledger_address_sent ON ledger (address, sent_at) WHERE sent_at IS NOT NULL;
                """)
        }

        // The variant each person was assigned (`variants:`: the template's name), on messages and on held-out
        // people's `skipped(holdout)` rows alike, so outcomes compare like with like. NULL: no variants.
        migrator.registerMigration("v14-variants") { db in
            try db.execute(sql: "ALTER TABLE ledger ADD COLUMN variant TEXT")
        }

        // Outcomes imported from the registry (`outreach outcome import CAMPAIGN FILE --field F`): per campaign,
        // field and person (the population id, as `ledger.recipient_id` holds it), the local day it happened.
        // A later import of the same field replaces a person's day.
        migrator.registerMigration("v15-outcomes") { db in
            try db.execute(sql: """
                CREATE TABLE outcome (
                    campaign     TEXT    NOT NULL,
                    field        TEXT    NOT NULL,
                    recipient_id TEXT    NOT NULL,
                    day          INTEGER NOT NULL,   -- days since 1970-01-01
                    source       TEXT    NOT NULL,   -- the file's name
                    imported_at  INTEGER NOT NULL,
                    PRIMARY KEY (campaign, field, recipient_id)
                ) WITHOUT ROWID;
                CREATE INDEX ledger_campaign_person ON ledger (campaign, recipient_id);
                """)
        }

        return migrator
    }
}
