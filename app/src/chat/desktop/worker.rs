//! Web Push, for when every Banter tab is closed: registers Banter's
//! service worker (`/sw.js`, served by the server) and asks it to
//! subscribe this browser for the session signed in. The worker does the
//! rest in JavaScript, where the Push API lives; this side is a few calls,
//! made by name (web-sys's service-worker bindings would bring their
//! decoders into the page), in the chunk that only readers who allowed
//! notifications download.

use leptos::{
    prelude::window,
    wasm_bindgen::{JsCast, JsValue},
};

/// Where the server serves the worker (`server::push::WORKER_PATH`).
const WORKER: &str = "/sw.js";

/// Registers the worker and has it subscribe, in the background. A browser
/// without service workers (or a page outside a secure context) goes
/// without pushes.
pub fn subscribe() {
    leptos::task::spawn_local(async {
        let _ = register().await;
    });
}

async fn register() -> Option<()> {
    let workers = get(&window().navigator(), "serviceWorker")?;
    let registered = call(&workers, "register", WORKER)?;
    wasm_bindgen_futures::JsFuture::from(registered)
        .await
        .ok()?;
    // `ready` settles once a worker is active (the new one, on first visit).
    let ready = get(&workers, "ready")?.dyn_into::<js_sys::Promise>().ok()?;
    let registration = wasm_bindgen_futures::JsFuture::from(ready).await.ok()?;
    let active = get(&registration, "active")?;
    let post = get(&active, "postMessage")?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    post.call1(&active, &JsValue::from_str("subscribe")).ok()?;
    Some(())
}

/// `target[name]`, if it is there.
fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// `target[name](argument)`, when it answers with a promise.
fn call(target: &JsValue, name: &str, argument: &str) -> Option<js_sys::Promise> {
    let method = get(target, name)?.dyn_into::<js_sys::Function>().ok()?;
    method
        .call1(target, &JsValue::from_str(argument))
        .ok()?
        .dyn_into()
        .ok()
}
