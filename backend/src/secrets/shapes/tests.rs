//! Each shape of secret inside a value, and a property test over all of them: for secrets of
//! any length (short ones included) the masked value is the value with the placeholder in the
//! secret's place, and sending the placeholder back restores the secret.

use std::collections::{BTreeMap, HashSet};

use crate::secrets::keys::masked;
use crate::secrets::{PLACEHOLDER, restore};

/// Values holding one secret where `{s}` stands, under a key that looks secret to nobody.
const SHAPES: [&str; 14] = [
    "jdbc:postgresql://db:5432/app?user=app&password={s}&ssl=true",
    "jdbc:postgresql://db/app?password={s}",
    "jdbc:sqlserver://db:1433;databaseName=app;user=app;pwd={s};encrypt=true",
    "DefaultEndpointsProtocol=https;AccountName=app;AccountKey={s};EndpointSuffix=core.windows.net",
    "Endpoint=sb://app.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey={s}",
    "https://app.blob.core.windows.net/c?sv=2022-11-02&sig={s}&se=2030-01-01",
    "BlobEndpoint=https://app.blob.core.windows.net/;SharedAccessSignature={s}",
    "{\"type\": \"service_account\", \"project_id\": \"app\", \"private_key\": \"{s}\", \"client_email\": \"a@b\"}",
    "{\"user\":\"app\",\"password\":\"{s}\",\"port\":5432}",
    "Content-Type: application/json, Authorization: Bearer {s}",
    "Accept: */*|X-Api-Key: {s}|User-Agent: app",
    "-----BEGIN RSA PRIVATE KEY-----\n{s}\n-----END RSA PRIVATE KEY-----\n",
    "mongodb://app:{s}@db-1:27017,db-2:27017/orders",
    "username=\"app\" password=\"{s}\";",
];

/// Characters a secret of every shape above may hold (none ends its shape's value).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-._~=%^";

/// A small deterministic generator (xorshift), so the property test needs no extra crate.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn secret(&mut self) -> String {
        let length = 1 + (self.next() % 40) as usize;
        (0..length)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

fn none() -> HashSet<String> {
    HashSet::new()
}

#[test]
fn every_shape_hides_its_secret_whatever_its_length_and_restores_it() {
    let mut generator = Generator(0x9e37_79b9_7f4a_7c15);
    for round in 0..3_000 {
        let shape = SHAPES[round % SHAPES.len()];
        let secret = generator.secret();
        let value = shape.replace("{s}", &secret);
        let expected = shape.replace("{s}", PLACEHOLDER);
        let shown = masked("connection.url", &value, &none());
        assert_eq!(shown.as_deref(), Some(expected.as_str()), "{value}");

        let stored = BTreeMap::from([("connection.url".to_owned(), value.clone())]);
        let moved = expected.replacen("app", "app-2", 1);
        let mut sent = BTreeMap::from([("connection.url".to_owned(), moved)]);
        restore(sent.iter_mut().collect(), Some(&stored)).unwrap();
        assert_eq!(
            sent["connection.url"],
            shape.replacen("app", "app-2", 1).replace("{s}", &secret),
            "{value}"
        );
    }
}

#[test]
fn several_shapes_in_one_value_are_each_hidden_and_restored_in_order() {
    let value = "user=app&password=p1, Authorization: Bearer t2, mongodb://u:p3@h";
    let shown = masked("endpoints", value, &none()).unwrap();
    assert_eq!(
        shown,
        "user=app&password=[hidden], Authorization: Bearer [hidden], mongodb://u:[hidden]@h"
    );
    let stored = BTreeMap::from([("endpoints".to_owned(), value.to_owned())]);
    let mut sent = BTreeMap::from([("endpoints".to_owned(), shown)]);
    restore(sent.iter_mut().collect(), Some(&stored)).unwrap();
    assert_eq!(sent["endpoints"], value);
}

#[test]
fn names_values_and_references_that_are_no_secret_stay_as_written() {
    for plain in [
        "jdbc:postgresql://db:5432/app?user=app&ssl=true",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey",
        "{\"user\": \"app\", \"port\": 5432, \"password\": null}",
        "Content-Type: application/json",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "jdbc:postgresql://db/app?password=${file:/run/secrets/db.properties:password}",
        "Authorization: ${vault:secret/http:token}",
        "password,token,ssn",
        "https://host:8443/path",
    ] {
        assert_eq!(masked("connection.url", plain, &none()), None, "{plain}");
    }
}
