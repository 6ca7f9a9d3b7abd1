//! The HTTP client of one cluster: timeouts, and TLS trusting the system's certificate store
//! and the bundled Mozilla roots, plus a private CA and a client certificate when configured.

use std::time::Duration;

use anyhow::Context;

use super::Cluster;

pub(crate) fn http_client(cluster: &Cluster, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .pool_max_idle_per_host(32)
        .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")));
    if let Some(tls) = &cluster.tls {
        let id = &cluster.id;
        if let Some(ca_file) = &tls.ca_file {
            let pem = std::fs::read(ca_file).with_context(|| {
                format!("cluster `{id}`: cannot read ca_file {}", ca_file.display())
            })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default();
            if certificates.is_empty() {
                anyhow::bail!(
                    "cluster `{id}`: ca_file {} is not a PEM certificate",
                    ca_file.display()
                );
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        match (&tls.client_cert_file, &tls.client_key_file) {
            (Some(cert_file), Some(key_file)) => {
                let mut pem = std::fs::read(cert_file).with_context(|| {
                    format!(
                        "cluster `{id}`: cannot read client_cert_file {}",
                        cert_file.display()
                    )
                })?;
                pem.extend(std::fs::read(key_file).with_context(|| {
                    format!(
                        "cluster `{id}`: cannot read client_key_file {}",
                        key_file.display()
                    )
                })?);
                let identity = reqwest::Identity::from_pem(&pem).with_context(|| {
                    format!(
                        "cluster `{id}`: the client certificate and key do not form a PEM identity"
                    )
                })?;
                builder = builder.identity(identity);
            }
            (None, None) => {}
            _ => anyhow::bail!("cluster `{id}`: client_cert_file and client_key_file go together"),
        }
    }
    builder
        .build()
        .with_context(|| format!("cluster `{}`: cannot build its HTTP client", cluster.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClusterTls;

    fn cluster_with(tls: ClusterTls) -> Cluster {
        Cluster {
            id: "prod".into(),
            name: "prod".into(),
            urls: vec!["https://w:8083".into()],
            bootstrap_servers: None,
            read_only: false,
            auth: None,
            tls: Some(tls),
            kafka_properties: Default::default(),
            sink_group_pattern: "connect-{name}".into(),
            internal_topics: Default::default(),
            budget: Default::default(),
        }
    }

    #[test]
    fn a_client_certificate_without_its_key_is_refused_by_cluster() {
        let tls = ClusterTls {
            ca_file: None,
            client_cert_file: Some("/etc/cert.pem".into()),
            client_key_file: None,
        };
        let err = http_client(&cluster_with(tls), Duration::from_secs(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cluster `prod`: client_cert_file and client_key_file go together"
        );
    }

    #[test]
    fn a_ca_file_that_is_not_pem_is_named() {
        let path = std::env::temp_dir().join(format!("not-a-ca-{}.pem", std::process::id()));
        std::fs::write(&path, "hello").unwrap();
        let tls = ClusterTls {
            ca_file: Some(path.clone()),
            client_cert_file: None,
            client_key_file: None,
        };
        let err = http_client(&cluster_with(tls), Duration::from_secs(1)).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            err.to_string().contains("is not a PEM certificate"),
            "{err:#}"
        );
    }
}
