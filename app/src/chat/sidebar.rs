//! The sidebar: Banter's name, the channels, the direct messages, and the
//! signed-in user with the theme toggle and "Log out".

use leptos::prelude::*;

use crate::{auth::LogoutButton, model::User, theme::ThemeToggle};

/// The navigation column on the left of the chat screen.
#[component]
pub fn Sidebar(user: User) -> impl IntoView {
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
                <span class="me" title="Signed in">{user.username}</span>
                <ThemeToggle />
                <LogoutButton />
            </footer>
        </aside>
    }
}
