# Sourced, not run: the toolchain and flags the release WebAssembly is built
# with. Every release build goes through `release_env` (scripts/release, which
# scripts/start and scripts/wasm-size use), so the site people are served is
# the one measured.
#
# Stable Rust cannot shrink the standard library it links into the
# WebAssembly: its prebuilt std carries panic messages, `Debug` formatting and
# source locations that no user ever sees. A pinned nightly rebuilds std from
# source with none of them. It builds the release WebAssembly only: the
# server, the tests and the dev loop (`cargo leptos watch`) stay on stable.

WASM_NIGHTLY=nightly-2026-05-19

# What the release WebAssembly is built with, beyond the `wasm-release`
# profile in Cargo.toml:
# - std and panic_abort rebuilt from rust-src with no optional features
#   (no backtraces);
# - `panic=immediate-abort`: a panic traps at once, with no message formatted
#   or printed (a release build has nobody to read it);
# - no file, line or column of a panic's location;
# - `{:?}` formats nothing (Debug output is for developers, who use debug
#   builds).
# - `banter_split`: the views declared with `split_view!` (app/src/split.rs)
#   go into chunks of their own, fetched when first wanted. It takes
#   `cargo leptos --split` (which adds the relocations the splitter reads),
#   and scripts/release always passes it.
# Target rustflags replace `build.rustflags` in .cargo/config.toml, so the
# `erase_components` cfg that server and browser must agree on is repeated.
WASM_RELEASE_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none --cfg banter_split"

# Sets the environment for `cargo leptos build|serve --release`: the nightly
# and its flags for the WebAssembly, stable for the server. cargo-leptos runs
# plain `cargo` for the WebAssembly (which RUSTUP_TOOLCHAIN points at the
# nightly) and LEPTOS_BIN_CARGO_COMMAND for the server (which drops it again).
release_env() {
  export RUSTUP_TOOLCHAIN=$WASM_NIGHTLY
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$WASM_RELEASE_RUSTFLAGS
  export LEPTOS_BIN_CARGO_COMMAND="env -u RUSTUP_TOOLCHAIN -u CARGO_UNSTABLE_BUILD_STD -u CARGO_UNSTABLE_BUILD_STD_FEATURES cargo"
}
