//! Secrets kept out of the configuration file: the value of a secret setting (Connect's basic
//! auth password and bearer token, any `kafka_properties` value such as `sasl.password`) may be
//! `${file:PATH}` (the file's contents, without a final newline) or `${env:NAME}` (an
//! environment variable). One that cannot be read stops start-up with one line naming it.

use anyhow::{Context, bail};

/// `value` itself, or what the reference it holds names; `setting` names the setting in errors.
pub fn resolve(value: &str, setting: &str) -> anyhow::Result<String> {
    let Some(reference) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) else {
        return Ok(value.to_owned());
    };
    match reference.split_once(':') {
        Some(("env", name)) => std::env::var(name).with_context(|| {
            format!("{setting} names environment variable {name}, which is not set")
        }),
        Some(("file", path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{setting} names file {path}, which cannot be read"))?;
            Ok(text
                .strip_suffix('\n')
                .unwrap_or(&text)
                .trim_end_matches('\r')
                .to_owned())
        }
        _ => bail!("{setting} holds {value}; a reference is ${{file:PATH}} or ${{env:NAME}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_env_references_resolve_and_plain_values_stay() {
        let path = std::env::temp_dir().join(format!("pb-ref-{}", std::process::id()));
        std::fs::write(&path, "from-a-file\n").unwrap();
        let file = format!("${{file:{}}}", path.display());
        assert_eq!(resolve(&file, "x").unwrap(), "from-a-file");
        assert_eq!(resolve("plain", "x").unwrap(), "plain");
        let path_var = resolve("${env:PATH}", "x").unwrap();
        assert_eq!(path_var, std::env::var("PATH").unwrap());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn an_unreadable_reference_is_one_line_naming_it() {
        let missing = resolve(
            "${env:PLUGBOARD_NO_SUCH_VARIABLE}",
            "clusters.prod.auth.password",
        );
        let message = format!("{:#}", missing.unwrap_err());
        assert!(message.contains("PLUGBOARD_NO_SUCH_VARIABLE"), "{message}");
        assert!(message.contains("clusters.prod.auth.password"), "{message}");
        let unknown = resolve("${vault:x}", "s").unwrap_err().to_string();
        assert!(unknown.contains("${file:PATH}"), "{unknown}");
        let absent = format!("{:#}", resolve("${file:/no/such/file}", "s").unwrap_err());
        assert!(absent.contains("/no/such/file"), "{absent}");
    }
}
