-- Why: a Debezium PostgreSQL source's slot can hold back WAL until the disk fills; its page
-- charts the slot's retained and unconsumed WAL over time. Plugboard reads each source database
-- with a monitoring role on a loop and writes one row per logical slot per reading (every 30 s
-- by default), kept 7 days: about 20,000 rows per slot.
create table slot_samples (
    database_id text not null,
    slot text not null,
    at_ms integer not null,
    retained_bytes integer,
    unconsumed_bytes integer,
    active integer not null
);

create index slot_samples_by_slot on slot_samples (database_id, slot, at_ms);
create index slot_samples_by_age on slot_samples (at_ms);
