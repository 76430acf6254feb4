// `sqlx::migrate!` embeds the migrations at compile time, but a stable compiler does not
// tell cargo to watch their folder: without this, a new migration file is not seen until
// some Rust file changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
