-- Why: access control. Built-in users sign in with argon2-hashed passwords and hold grants
-- (a role, optionally on some clusters only); scripts use API tokens, kept only as hashes and
-- revocable; console sessions outlive a restart of Plugboard and end on logout or expiry.
create table users (
    name text primary key,
    password_hash text not null,
    -- JSON array of {"role", "clusters"}
    grants text not null,
    created_at text not null
);

create table api_tokens (
    id integer primary key,
    name text not null,
    user_name text not null references users (name) on delete cascade,
    -- SHA-256 of the token, hex
    token_hash text not null unique,
    created_at text not null,
    last_used_at text,
    revoked_at text
);

create table sessions (
    -- SHA-256 of the cookie's value, hex
    id_hash text primary key,
    user_name text not null references users (name) on delete cascade,
    csrf_token text not null,
    created_at_ms integer not null,
    expires_at_ms integer not null
);
create index sessions_by_expiry on sessions (expires_at_ms);
