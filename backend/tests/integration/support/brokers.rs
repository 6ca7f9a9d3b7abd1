//! The stack's second Kafka cluster, three brokers beside a controller of their own, which the
//! tests that need brokers to fail stop and start (scripts/lib/stack.sh writes each node's
//! start script and pid file in `PLUGBOARD_TEST_ISR_DIR`). One test at a time may hold it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use tokio::sync::{Mutex, MutexGuard};

use super::eventually;
use super::kafka_client::{TIMEOUT, client_config};

/// The three brokers, held by one test at a time; every broker it stopped is started again
/// when it lets go.
pub(crate) struct IsrBrokers {
    dir: PathBuf,
    stopped: Vec<u8>,
    _held: MutexGuard<'static, ()>,
}

/// The cluster's bootstrap servers.
pub(crate) fn isr_bootstrap() -> String {
    std::env::var("PLUGBOARD_TEST_ISR_BOOTSTRAP")
        .expect("PLUGBOARD_TEST_ISR_BOOTSTRAP is not set: run scripts/test.sh")
}

impl IsrBrokers {
    /// Waits for the cluster, then until its three brokers serve: a broker the last holder
    /// started again may still be registering with the controller.
    pub(crate) async fn hold() -> Self {
        static HELD: Mutex<()> = Mutex::const_new(());
        let dir = std::env::var("PLUGBOARD_TEST_ISR_DIR")
            .expect("PLUGBOARD_TEST_ISR_DIR is not set: run scripts/test.sh");
        let held = Self {
            dir: PathBuf::from(dir),
            stopped: Vec::new(),
            _held: HELD.lock().await,
        };
        eventually("the three brokers to serve", || async {
            tokio::task::spawn_blocking(|| brokers_serving() == 3)
                .await
                .unwrap()
                .then_some(())
        })
        .await;
        held
    }

    fn pid(&self, node: u8) -> i32 {
        let file = self.dir.join(format!("node-{node}.pid"));
        std::fs::read_to_string(&file)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    /// Stops broker `node` (1 to 3) at once, as a crash would (SIGKILL), and waits until it is
    /// gone.
    pub(crate) fn stop(&mut self, node: u8) {
        if let Some(mut child) = restarted().remove(&node) {
            let _ = child.kill();
            let _ = child.wait();
        }
        let pid = self.pid(node).to_string();
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        for _ in 0..300 {
            if !running(&pid) {
                self.stopped.push(node);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("broker {node} (pid {pid}) did not stop");
    }

    /// Starts broker `node` again with the stack's own script; its log goes on in the
    /// node's log file and its pid to the node's pid file, where the stack stops it.
    pub(crate) fn start(&mut self, node: u8) {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.join(format!("node-{node}.log")))
            .unwrap();
        let child = Command::new("setsid")
            .arg("bash")
            .arg(self.dir.join(format!("node-{node}.sh")))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        std::fs::write(
            self.dir.join(format!("node-{node}.pid")),
            format!("{}\n", child.id()),
        )
        .unwrap();
        restarted().insert(node, child);
        self.stopped.retain(|n| *n != node);
    }
}

/// The brokers this test process started again, by node: its children, reaped when stopped
/// (the stack stops the last ones by their pid files).
fn restarted() -> std::sync::MutexGuard<'static, BTreeMap<u8, Child>> {
    static RESTARTED: StdMutex<BTreeMap<u8, Child>> = StdMutex::new(BTreeMap::new());
    RESTARTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How many brokers the cluster's metadata lists (a fenced broker is not listed).
fn brokers_serving() -> usize {
    let consumer: BaseConsumer = client_config(&isr_bootstrap()).create().unwrap();
    consumer
        .fetch_metadata(None, TIMEOUT)
        .map_or(0, |metadata| metadata.brokers().len())
}

/// Whether process `pid` runs: it exists and is no zombie.
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .next()?
                .to_owned();
            Some(state != "Z")
        })
        .unwrap_or(false)
}

impl Drop for IsrBrokers {
    fn drop(&mut self) {
        for node in self.stopped.clone() {
            self.start(node);
        }
    }
}
