//! The HTTP client of one cluster: timeouts, and TLS with a private CA or a client certificate.

use std::time::Duration;

use anyhow::Context;

use crate::config::Cluster;

pub fn http_client(cluster: &Cluster, timeout: Duration) -> anyhow::Result<reqwest::Client> {
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
            let certificate = reqwest::Certificate::from_pem(&pem).with_context(|| {
                format!(
                    "cluster `{id}`: ca_file {} is not a PEM certificate",
                    ca_file.display()
                )
            })?;
            builder = builder.add_root_certificate(certificate);
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
