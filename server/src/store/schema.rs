//! Numbered migrations. A released migration is never edited: add a new one.
//! Kept to portable SQL where that is cheap (DESIGN §13); `STRICT` tables are SQLite's.

/// Migration 1..=N, applied in order; `PRAGMA user_version` records how many ran.
pub const MIGRATIONS: &[&str] = &[
    // 1: server metadata (installation id, settings).
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;",
    // 2: people, devices, sessions, the event store, projections, numbering, audit.
    r#"
    CREATE TABLE departments (
        id   TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL
    ) STRICT;

    CREATE TABLE users (
        id            TEXT PRIMARY KEY NOT NULL,
        display_name  TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        department    TEXT REFERENCES departments(id),
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE user_roles (
        user_id TEXT NOT NULL REFERENCES users(id),
        role    TEXT NOT NULL,
        PRIMARY KEY (user_id, role)
    ) STRICT;

    -- Browser installs, kiosks and the server itself. next_seq is the dev_seq expected next.
    CREATE TABLE devices (
        id         TEXT PRIMARY KEY NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('browser', 'kiosk', 'server')),
        user_id    TEXT REFERENCES users(id),
        name       TEXT,
        token_hash BLOB UNIQUE,
        next_seq   INTEGER NOT NULL DEFAULT 1,
        revoked    INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    ) STRICT;

    -- Only the SHA-256 of a session token is stored.
    CREATE TABLE sessions (
        token_hash  BLOB PRIMARY KEY NOT NULL,
        user_id     TEXT NOT NULL REFERENCES users(id),
        device_id   TEXT REFERENCES devices(id),
        created_at  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_user ON sessions(user_id);

    CREATE TABLE login_failures (
        key TEXT NOT NULL,
        at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX login_failures_key ON login_failures(key, at);

    -- The append-only event store; seq is the pull cursor (commit order: one writer).
    CREATE TABLE events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        case_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        dev_seq     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        event       TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (device_id, dev_seq)
    ) STRICT;
    CREATE INDEX events_case ON events(case_id, seq);

    -- Events refused for a reason; stored, listed to author and supervisors, never applied.
    CREATE TABLE quarantine (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id    TEXT,
        case_id     TEXT,
        device_id   TEXT,
        dev_seq     INTEGER,
        author      TEXT NOT NULL,
        reason      TEXT NOT NULL,
        detail      TEXT NOT NULL,
        event       TEXT NOT NULL,
        received_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX quarantine_author ON quarantine(author, id);

    -- Folded case state for queries; rebuilt from events by `tousu-server rebuild`.
    CREATE TABLE cases (
        id            TEXT PRIMARY KEY NOT NULL,
        number        TEXT UNIQUE,
        stage         TEXT NOT NULL,
        department    TEXT,
        registered_by TEXT,
        received_at   INTEGER,
        last_seq      INTEGER NOT NULL,
        view          TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cases_department ON cases(department);

    -- The last complaint-number serial taken per month (YYMM).
    CREATE TABLE serials (
        month TEXT PRIMARY KEY NOT NULL,
        last  INTEGER NOT NULL
    ) STRICT;

    -- Audit trail with a hash chain: hash = SHA-256(prev_hash | seq | at | actor | action | subject | detail).
    CREATE TABLE audit (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        at        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    ) STRICT;
    "#,
    // 3: archive access requests (查閱權限): who, which cases or month, why, how long.
    r#"
    CREATE TABLE archive_requests (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        requester  TEXT NOT NULL REFERENCES users(id),
        scope      TEXT NOT NULL,
        reason     TEXT NOT NULL,
        days       INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
        decided_by TEXT,
        decided_at INTEGER,
        comment    TEXT,
        until      INTEGER,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX archive_requests_requester ON archive_requests(requester, status);
    "#,
    // 4: content-addressed attachments and which cases reference them.
    r#"
    CREATE TABLE blobs (
        hash       TEXT PRIMARY KEY NOT NULL,
        media_type TEXT NOT NULL,
        size       INTEGER NOT NULL,
        data       BLOB NOT NULL,
        uploader   TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE blob_refs (
        hash    TEXT NOT NULL,
        case_id TEXT NOT NULL,
        PRIMARY KEY (hash, case_id)
    ) STRICT;
    "#,
    // The full folded view is no longer stored: it was two thirds of every push's writes and
    // is folded from the events when needed (a case has few). The columns stay for queries.
    "ALTER TABLE cases DROP COLUMN view;",
    // `seq` without AUTOINCREMENT: no `sqlite_sequence` row to update on every insert. Rows
    // of `events` are never deleted (destruction rewrites them), so the next `seq` is always
    // above every committed one and the pull cursor stays monotonic.
    r#"
    CREATE TABLE events_v6 (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        case_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        dev_seq     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        event       TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        UNIQUE (device_id, dev_seq)
    ) STRICT;
    INSERT INTO events_v6 (seq, id, case_id, device_id, dev_seq, kind, event, received_at)
        SELECT seq, id, case_id, device_id, dev_seq, kind, event, received_at FROM events
        ORDER BY seq;
    DROP TABLE events;
    ALTER TABLE events_v6 RENAME TO events;
    CREATE INDEX events_case ON events(case_id, seq);
    "#,
    // No unique index on `(device_id, dev_seq)`: one device's sequence is checked against
    // `devices.next_seq` by the one writer, in the transaction that advances it, and nothing
    // looks events up by it. The index cost a b-tree insert per event and a sixth of a
    // push's pages.
    r#"
    CREATE TABLE events_v7 (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        case_id     TEXT NOT NULL,
        device_id   TEXT NOT NULL,
        dev_seq     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        event       TEXT NOT NULL,
        received_at INTEGER NOT NULL
    ) STRICT;
    INSERT INTO events_v7 (seq, id, case_id, device_id, dev_seq, kind, event, received_at)
        SELECT seq, id, case_id, device_id, dev_seq, kind, event, received_at FROM events
        ORDER BY seq;
    DROP TABLE events;
    ALTER TABLE events_v7 RENAME TO events;
    CREATE INDEX events_case ON events(case_id, seq);
    "#,
    // 8: denials counted per actor and minute beside their one chained audit row.
    r#"
    CREATE TABLE audit_denials (
        actor     TEXT PRIMARY KEY NOT NULL,
        audit_seq INTEGER NOT NULL,
        since     INTEGER NOT NULL,
        count     INTEGER NOT NULL
    ) STRICT;
    "#,
    // 9: the scope facts of co-handling departments and investigation teams (issue 13),
    // space-separated ids; cases from before have neither.
    r#"
    ALTER TABLE cases ADD COLUMN co_departments TEXT NOT NULL DEFAULT '';
    ALTER TABLE cases ADD COLUMN team TEXT NOT NULL DEFAULT '';
    "#,
    // 10: one statistics row per case (issue 14), kept through destruction; filled in for
    // existing cases when the store opens.
    r#"
    CREATE TABLE stats (
        case_id     TEXT PRIMARY KEY NOT NULL,
        received_at INTEGER NOT NULL,
        open        INTEGER NOT NULL,
        row         TEXT NOT NULL
    ) STRICT;
    CREATE INDEX stats_received ON stats(received_at);
    "#,
    // 11: when each statistics row last changed (a counter), so the server's in-memory copy
    // of the rows reads only what changed since it last looked.
    r#"
    ALTER TABLE stats ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX stats_changed ON stats(changed);
    "#,
    // 12: the cases marked as teaching cases (issue 14), found without a scan of all events.
    r#"
    CREATE INDEX events_teaching ON events(case_id) WHERE kind = 'teaching_case_marked';
    "#,
    // 13: destruction proposals (issue 15): an archivist proposes, a leader decides (004
    // "經公司相關領導批准"); `cases` is a JSON array of case ids.
    r#"
    CREATE TABLE destructions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        proposed_by TEXT NOT NULL REFERENCES users(id),
        proposed_at INTEGER NOT NULL,
        reason      TEXT NOT NULL,
        cases       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
        decided_by  TEXT REFERENCES users(id),
        decided_at  INTEGER,
        comment     TEXT
    ) STRICT;
    "#,
    // 14: administration (issue 15): accounts made or reset with a one-time password must
    // choose their own at the next sign-in; departments may be sub-units of another (001
    // 所屬各單位).
    r#"
    ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE departments ADD COLUMN parent TEXT REFERENCES departments(id);
    "#,
    // 15: a kiosk is registered with a one-time setup code (its SHA-256 and expiry), which
    // the counter's browser exchanges once for the kiosk's token (issue 15 §3).
    r#"
    ALTER TABLE devices ADD COLUMN setup_hash BLOB;
    ALTER TABLE devices ADD COLUMN setup_until INTEGER;
    CREATE UNIQUE INDEX devices_setup ON devices(setup_hash) WHERE setup_hash IS NOT NULL;
    "#,
    // 16: complaints from the public (issue 16): the lookup code of each (argon2, never the
    // code), found by number or by the provisional label a kiosk printed offline; the PIN
    // that lets staff take a kiosk out of kiosk mode (SHA-256 with the kiosk's id, checked
    // on the kiosk itself, offline too).
    r#"
    CREATE TABLE lookup_codes (
        case_id    TEXT PRIMARY KEY NOT NULL,
        code_hash  TEXT NOT NULL,
        label      TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX lookup_codes_label ON lookup_codes(label);
    ALTER TABLE devices ADD COLUMN exit_pin_hash TEXT;
    "#,
];
