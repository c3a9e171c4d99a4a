//! `sqlx::migrate!` embeds the migrations at compile time; this makes cargo
//! rebuild the server whenever one is added.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
