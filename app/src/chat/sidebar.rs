//! The sidebar: Banter's name, the channels, the direct messages and the
//! theme toggle.

use leptos::prelude::*;

use crate::theme::ThemeToggle;

/// The navigation column on the left of the chat screen.
#[component]
pub fn Sidebar() -> impl IntoView {
    view! {
        <aside class="sidebar">
            <header class="sidebar-header">
                <span class="brand">"Banter"</span>
            </header>
            <nav class="sidebar-section" aria-label="Channels">
                <h2 class="sidebar-heading">"Channels"</h2>
                <ul class="sidebar-list"></ul>
            </nav>
            <nav class="sidebar-section" aria-label="Direct messages">
                <h2 class="sidebar-heading">"Direct messages"</h2>
                <ul class="sidebar-list"></ul>
            </nav>
            <footer class="sidebar-footer">
                <ThemeToggle />
            </footer>
        </aside>
    }
}
