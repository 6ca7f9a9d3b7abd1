//! Rebuilds the backend whenever a migration or the browser app in `frontend/dist` changes:
//! release builds embed the app, and debug builds read it from disk only if it was there when
//! they were compiled (a test binary built before the app would otherwise answer 503 for good).

fn main() {
    println!("cargo:rerun-if-changed=../frontend/dist");
    // `sqlx::migrate!` embeds the migrations: a new one must rebuild the binary.
    println!("cargo:rerun-if-changed=../migrations");
}
