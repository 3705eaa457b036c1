-- The editable store (issue 22): accounts, tokens, sessions, practices with
-- every revision, and the log of public changes. SQLite dialect; the
-- PostgreSQL migration of the same number holds the same tables.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,  -- the e-mail lower-cased: unique regardless of case
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    disabled_at   TEXT
);

CREATE TABLE account_units (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    teryt      TEXT    NOT NULL,
    PRIMARY KEY (account_id, teryt)
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    token_hash TEXT    NOT NULL UNIQUE,
    label      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    revoked_at TEXT
);

CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id),
    data       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL  -- Unix seconds
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE practices (
    id             TEXT    PRIMARY KEY,
    status         TEXT    NOT NULL,
    owner_id       INTEGER REFERENCES accounts(id),
    head           INTEGER NOT NULL,  -- the latest revision's number
    published_rev  INTEGER,           -- the public version's revision (while published)
    pending_rev    INTEGER,           -- a pending revision of a published practice
    pending_status TEXT,
    pending_author INTEGER REFERENCES accounts(id),
    import_rev     INTEGER,           -- the revision the importer last wrote
    doubts         TEXT,              -- the importer's reasons to check it (JSON array)
    title          TEXT    NOT NULL,  -- of the latest content, for lists
    area           TEXT    NOT NULL,
    teryt          TEXT,              -- the most precise TERYT code of the latest content
    updated_at     TEXT    NOT NULL
);
CREATE INDEX practices_status ON practices(status);
CREATE INDEX practices_owner ON practices(owner_id);
CREATE INDEX practices_pending_author ON practices(pending_author);

CREATE TABLE revisions (
    practice_id  TEXT    NOT NULL REFERENCES practices(id),
    n            INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('create', 'edit', 'import', 'restore', 'review')),
    status       TEXT    NOT NULL,  -- what this revision made of the practice or its pending revision
    pending      INTEGER NOT NULL,  -- 1: about a pending revision of a published practice
    author_id    INTEGER REFERENCES accounts(id),
    author_label TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    changed      TEXT    NOT NULL,  -- JSON array of the field names changed from the revision before
    comment      TEXT,
    content      TEXT    NOT NULL,  -- the practice record (JSON)
    PRIMARY KEY (practice_id, n)
);

CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('put', 'remove')),
    revision    INTEGER,
    at          TEXT    NOT NULL
);
