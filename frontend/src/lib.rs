//! The WebAssembly entry point. Everything Banter does in the browser lives in
//! the `app` crate; this crate only exists so that `app` can stay a plain
//! library that the server links too.

// Leptos views are deeply nested types; their layout needs more than the
// default depth when components are not type-erased (release builds).
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Debug builds print a panic to the console. The release build cannot:
    // it aborts at the panic itself (`panic=immediate-abort`, see
    // scripts/wasm-toolchain.sh), so a hook there would be dead weight.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Lazily: some routes' code loads when they are visited (app/src/split.rs),
    // and hydrating one waits for it.
    leptos::mount::hydrate_lazy(app::App);
}
