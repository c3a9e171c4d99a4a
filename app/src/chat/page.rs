//! The chat page: the sidebar and the main panel side by side.

use leptos::prelude::*;
use leptos_meta::Title;

use super::sidebar::Sidebar;

/// The home of Banter.
#[component]
pub fn ChatPage() -> impl IntoView {
    view! {
        <Title text="" />
        <div class="chat-layout">
            <Sidebar />
            <main class="channel-view">
                <header class="channel-header">
                    <h1>"Banter"</h1>
                </header>
                <section class="empty-state">
                    <p>"Pick a channel to start talking."</p>
                </section>
            </main>
        </div>
    }
}
