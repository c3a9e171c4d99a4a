//! A discreet notice while the link to the server is down.

use leptos::prelude::*;
use reactive_stores::Store;

use super::state::{Chat, ChatStoreFields, LinkStatus};

/// "Reconnecting…", announced politely; empty while connected. The live
/// region is always in the page so that screen readers notice its changes.
#[component]
pub fn LinkBanner() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let down = move || chat.link().get() == LinkStatus::Reconnecting;
    view! {
        <div class="link-status" class:visible=down role="status">
            {move || down().then_some("Reconnecting…")}
        </div>
    }
}
