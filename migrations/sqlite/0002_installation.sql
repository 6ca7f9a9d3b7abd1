-- Why: a random key made once per installation. Fingerprints of secret config values in the
-- history are keyed with it, so that "changed" stays visible without the value being
-- recoverable from a dictionary of likely passwords.
create table installation (
    id integer primary key check (id = 1),
    fingerprint_key blob not null
);

insert into installation (id, fingerprint_key) values (1, randomblob(32));
