//! The chat page: the sidebar and the main panel side by side.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::sidebar::Sidebar;
use crate::{auth::current_user, error::AppError};

/// The signed-in home of Banter.
#[component]
pub fn ChatPage() -> impl IntoView {
    let me = Resource::new(|| (), |()| current_user());

    // A session that ended while the page was open: back to the log-in page.
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Err(AppError::NotSignedIn)) = me.get() {
            navigate("/login", Default::default());
        }
    });

    view! {
        <Title text="" />
        <div class="chat-layout">
            <Suspense>
                {move || Suspend::new(async move {
                    me.await.ok().map(|user| view! { <Sidebar user /> })
                })}
            </Suspense>
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
