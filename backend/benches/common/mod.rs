//! What the benchmarks that need a broker share: a tansu broker of their own, free ports, a
//! process killed on drop, and a process's resident memory.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rdkafka::ClientConfig;

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

pub fn wait_for_port(port: u16) {
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

pub fn client(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", bootstrap);
    config
}

pub fn resident_kib(pid: u32) -> u64 {
    status_field(pid, "VmRSS:")
}

/// The process's threads, as the kernel counts them.
pub fn threads(pid: u32) -> u64 {
    status_field(pid, "Threads:")
}

fn status_field(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A tansu broker storing in `storage`, run in `dir`; answers it and its bootstrap address.
pub fn start_tansu(dir: &std::path::Path, storage: &str) -> (Killed, String) {
    let kafka_port = free_port();
    let url = format!("tcp://127.0.0.1:{kafka_port}");
    let broker = Killed(
        Command::new("tansu")
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
            ])
            .args(["--storage-engine", storage])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tansu is on PATH (scripts/install-deps.sh installs it)"),
    );
    wait_for_port(kafka_port);
    (broker, format!("127.0.0.1:{kafka_port}"))
}

/// The plugboard binary with `config` (TOML) on a free port; answers it and its base URL.
pub fn start_plugboard(dir: &std::path::Path, config: &str) -> (Killed, String) {
    let http_port = free_port();
    std::fs::write(dir.join("plugboard.toml"), config).unwrap();
    let plugboard = Killed(
        Command::new(env!("CARGO_BIN_EXE_plugboard"))
            .arg("--config")
            .arg(dir.join("plugboard.toml"))
            .args(["--bind", &format!("127.0.0.1:{http_port}")])
            .arg("--database")
            .arg(dir.join("plugboard.db"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(http_port);
    (plugboard, format!("http://127.0.0.1:{http_port}"))
}
