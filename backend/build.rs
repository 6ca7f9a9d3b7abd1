//! Rebuilds the backend whenever the browser app in `frontend/dist` changes: release builds
//! embed it, and debug builds read it from disk only if it was there when they were compiled
//! (a test binary built before the app would otherwise answer 503 for good).

fn main() {
    println!("cargo:rerun-if-changed=../frontend/dist");
}
