//! What the benchmarks share: free ports, a process killed on drop, Plugboard started on its
//! own port, and a process's resident memory and threads.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(crate) struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

pub(crate) fn wait_for_port(port: u16) {
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

pub(crate) fn resident_kib(pid: u32) -> u64 {
    status_field(pid, "VmRSS:")
}

/// The process's threads, as the kernel counts them.
pub(crate) fn threads(pid: u32) -> u64 {
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

/// The plugboard binary with `config` (TOML) on a free port; answers it and its base URL.
pub(crate) fn start_plugboard(dir: &std::path::Path, config: &str) -> (Killed, String) {
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
