-- Invitations (issue 23): an admin invites an e-mail with a role and units;
-- the one-time link carries a secret whose SHA-256 alone is kept here. The
-- invitee's account is made when the link is used (`used_at`), once, and not
-- after `expires_at`. The PostgreSQL migration of the same number holds the
-- same table.

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  TEXT    NOT NULL UNIQUE,
    email       TEXT    NOT NULL,
    email_key   TEXT    NOT NULL,  -- the e-mail lower-cased
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),
    units       TEXT    NOT NULL,  -- JSON array of TERYT codes
    invited_by  INTEGER REFERENCES accounts(id),
    created_at  TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,  -- Unix seconds
    used_at     TEXT,
    account_id  INTEGER REFERENCES accounts(id),  -- the account the invite made
    revoked_at  TEXT
);
CREATE INDEX invites_email ON invites(email_key);
