-- Sign-in attempts under way or failed within the login limit's window, by what they count
-- against (`user:NAME`, `addr:IP`), so that every replica sharing the database judges the limit
-- from all of them.
create table login_failures (
    -- in the order the attempts began: the first ten of a burst pass, the rest are refused
    id integer primary key,
    key text not null,
    attempt text not null,
    at_ms integer not null
);

create index login_failures_by_key on login_failures (key, at_ms);
create index login_failures_by_attempt on login_failures (attempt);
