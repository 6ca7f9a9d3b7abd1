//! Secrets inside a value, whatever its key: the password of a URI, the value of a secret name
//! in `name=value` pairs (query strings, `;`-separated connection strings, `password="..."`),
//! in JSON (a key file's `private_key`), in header lists (`Authorization: Bearer ...`), and the
//! body of a PEM private key. Each finder answers byte ranges of the value; [`embedded`] merges
//! them. A config provider reference (`${provider:path:key}`) names where a secret is, so
//! nothing inside one is secret.

use std::ops::Range;

use super::names::names_secret;

/// Whether `value` is exactly one well-formed config provider reference:
/// `${provider:path}` or `${provider:path:key}` (Connect's `ConfigTransformer` syntax).
pub fn is_reference(value: &str) -> bool {
    let Some(inner) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) else {
        return false;
    };
    let Some((provider, rest)) = inner.split_once(':') else {
        return false;
    };
    let provider_ok = !provider.is_empty()
        && provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    provider_ok && !rest.is_empty() && !rest.contains(['{', '}'])
}

/// The secret byte ranges inside `value`, sorted and not overlapping.
pub fn embedded(value: &str) -> Vec<Range<usize>> {
    let mut ranges = uri_passwords(value);
    ranges.extend(pair_values(value));
    ranges.extend(json_values(value));
    ranges.extend(header_values(value));
    ranges.extend(pem_bodies(value));
    let references = reference_spans(value);
    ranges.retain(|r| {
        !r.is_empty()
            && !references
                .iter()
                .any(|s| s.start <= r.start && r.end <= s.end)
    });
    merged(ranges)
}

fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match out.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// The spans of the well-formed references inside `value`.
fn reference_spans(value: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(start) = value[from..].find("${").map(|s| from + s) {
        let Some(end) = value[start..].find('}').map(|e| start + e + 1) else {
            break;
        };
        if is_reference(&value[start..end]) {
            spans.push(start..end);
        }
        from = start + 2;
    }
    spans
}

/// The run of name characters (`[A-Za-z0-9_.-]`) that ends at `end`, as its start.
fn name_start(bytes: &[u8], end: usize) -> usize {
    let mut start = end;
    while start > 0
        && (bytes[start - 1].is_ascii_alphanumeric() || b"_.-".contains(&bytes[start - 1]))
    {
        start -= 1;
    }
    start
}

/// The first byte from `from` that is one of `stops` (or whitespace), else the end.
fn run_until(value: &str, from: usize, stops: &[char]) -> usize {
    value[from..]
        .find(|c: char| stops.contains(&c) || c.is_whitespace())
        .map_or(value.len(), |end| from + end)
}

/// The password of every `scheme://user:password@host` (JDBC, MongoDB, Redis, HTTP URLs and
/// lists of them).
fn uri_passwords(value: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut search_from = 0;
    while let Some(offset) = value[search_from..].find("://") {
        let authority_start = search_from + offset + 3;
        let authority_end = value[authority_start..]
            .find(['/', '?', '#', ',', ' ', '"', '\''])
            .map_or(value.len(), |end| authority_start + end);
        let authority = &value[authority_start..authority_end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
            && colon + 1 < at
        {
            found.push(authority_start + colon + 1..authority_start + at);
        }
        search_from = authority_end.max(authority_start);
        if search_from >= value.len() {
            break;
        }
    }
    found
}

/// The value of each secret name in `name=value` pairs that start the value or follow `?`,
/// `&`, `;`, `,`, `|`, `(`, `{` or whitespace: `?password=...&`, `;AccountKey=...;`,
/// `password="..."`. A value runs to the next separator, or is quoted.
fn pair_values(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    for (equals, _) in value.match_indices('=') {
        let start = name_start(bytes, equals);
        let follows_separator = start == 0 || b"?&;,|({ \t\r\n".contains(&bytes[start - 1]);
        if start == equals || !follows_separator || !names_secret(&value[start..equals]) {
            continue;
        }
        let from = equals + 1;
        found.push(match bytes.get(from) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = value[from + 1..]
                    .find(quote as char)
                    .map_or(value.len(), |e| from + 1 + e);
                from + 1..end
            }
            _ => from..run_until(value, from, &['&', ';', ',', '|', '"', '\'', ')', '}']),
        });
    }
    found
}

/// The end (exclusive, past the closing quote) of the JSON string literal opening at `open`.
fn literal_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut at = open + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// The value of each JSON member whose key names a secret: the contents of a string (as
/// written, escapes and all), or a number.
fn json_values(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    let skip_space = |mut at: usize| {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find('"').map(|o| from + o) {
        let Some(close) = literal_end(bytes, open) else {
            break;
        };
        from = close;
        let colon = skip_space(close);
        if bytes.get(colon) != Some(&b':') || !names_secret(&value[open + 1..close - 1]) {
            continue;
        }
        let start = skip_space(colon + 1);
        if bytes.get(start) == Some(&b'"') {
            let Some(end) = literal_end(bytes, start) else {
                found.push(start + 1..value.len());
                break;
            };
            found.push(start + 1..end - 1);
            from = end;
        } else {
            let end = run_until(value, start, &[',', '}', ']']);
            let scalar = &value[start..end];
            if !matches!(scalar, "null" | "true" | "false") {
                found.push(start..end);
            }
        }
    }
    found
}

/// Authentication schemes shown before a credential (`Authorization: Bearer [hidden]`).
const AUTH_SCHEMES: [&str; 7] = [
    "basic",
    "bearer",
    "digest",
    "token",
    "negotiate",
    "ntlm",
    "apikey",
];

/// The value of each header whose name carries credentials, in a list of `Name: value`
/// entries (separated by `,`, `|` or new lines): `Authorization: Bearer ...`,
/// `X-Api-Key: ...`, `Cookie: ...`. An authentication scheme stays visible.
fn header_values(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    for (colon, _) in value.match_indices(':') {
        let start = name_start(bytes, colon);
        let follows_separator = start == 0 || b",|;{([\"' \t\r\n".contains(&bytes[start - 1]);
        let scheme = bytes.get(colon + 1) == Some(&b'/');
        if start == colon || !follows_separator || scheme || !names_secret(&value[start..colon]) {
            continue;
        }
        let mut from = colon + 1;
        while from < bytes.len() && matches!(bytes[from], b' ' | b'\t') {
            from += 1;
        }
        let end = value[from..]
            .find([',', '|', '\r', '\n', '"', '\''])
            .map_or(value.len(), |e| from + e);
        if let Some((scheme, _)) = value[from..end].split_once(' ')
            && AUTH_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        {
            from += scheme.len() + 1;
        }
        found.push(from..end);
    }
    found
}

/// The body of each PEM private key block (`-----BEGIN ... PRIVATE KEY-----` to `-----END`).
fn pem_bodies(value: &str) -> Vec<Range<usize>> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(begin) = value[from..].find(BEGIN).map(|b| from + b) {
        let label_start = begin + BEGIN.len();
        let Some(label_end) = value[label_start..].find(DASHES).map(|e| label_start + e) else {
            break;
        };
        let body_start = label_end + DASHES.len();
        from = body_start;
        if !value[label_start..label_end].ends_with("PRIVATE KEY") {
            continue;
        }
        let body_end = value[body_start..]
            .find("-----END ")
            .map_or(value.len(), |e| body_start + e);
        let body = &value[body_start..body_end];
        let leading = body.len() - body.trim_start().len();
        let trailing = body.len() - body.trim_end().len();
        found.push(body_start + leading..(body_end - trailing).max(body_start + leading));
        from = body_end;
    }
    found
}

#[cfg(test)]
mod tests;
