//! `/settings`, reached from the sidebar's footer: the profile, desktop
//! notifications, the theme, the password, deleting the account, and ways
//! to the sessions signed in (`/settings/sessions`, `sessions_page.rs`,
//! whose code is in the same chunk) and to blocked people. (Each channel's
//! notification setting is in its header.)
//!
//! The browser alone knows whether it may notify, so the server renders
//! the notification section as for a browser not asked yet, and the page
//! says what it really is once hydrated. The theme's choices are disabled
//! until then: the choice is kept by the browser.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use reactive_stores::Store;

use super::{
    admin_page::{AdminPage, ADMIN_PATH},
    audit_page::{AuditPage, AUDIT_PATH},
    blocked_page::{BlockedPage, BLOCKED_PATH},
    desktop::{self, Permission},
    sessions_page::{SessionsPage, SESSIONS_PATH, SETTINGS_PATH},
    sidebar::MenuButton,
    state::{Chat, ChatStoreFields},
};
use crate::{
    auth::{DeleteAccountForm, PasswordForm, ProfileForm},
    protocol::{NotifyLevel, BUSY_CHANNEL},
    theme::{Theme, ThemeState},
};

crate::split_route!(
    /// The route of [`SettingsArea`], whose code loads when it is visited.
    pub SettingsRoute, settings_page => SettingsArea
);

/// `/settings`, `/settings/sessions`, `/settings/blocked`, `/settings/admin`
/// or `/settings/audit`.
#[component]
pub fn SettingsArea() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    // No channel is open here: messages arriving anywhere count as unread.
    Effect::new(move || chat.open().set(None));
    match use_location()
        .pathname
        .get_untracked()
        .trim_end_matches('/')
    {
        SETTINGS_PATH => view! { <SettingsPage /> }.into_any(),
        SESSIONS_PATH => view! { <SessionsPage /> }.into_any(),
        BLOCKED_PATH => view! { <BlockedPage /> }.into_any(),
        ADMIN_PATH => view! { <AdminPage /> }.into_any(),
        AUDIT_PATH => view! { <AuditPage /> }.into_any(),
        _ => view! { <crate::not_found::NotFound /> }.into_any(),
    }
}

/// A page under `/settings`: its header, the way back, and `children`.
#[component]
pub(super) fn Subpage(
    title: &'static str,
    /// The heading's id, for a section it names.
    heading_id: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title />
        <main class="channel-view settings-view" id="main">
            <header class="channel-header">
                <MenuButton />
                <h1 id=heading_id>{title}</h1>
            </header>
            <div class="settings">
                <p class="settings-trail">
                    <a href=SETTINGS_PATH rel="external">"Settings"</a>
                    " › "
                    {title}
                </p>
                {children()}
            </div>
        </main>
    }
}

/// The settings page.
#[component]
fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings" />
        <main class="channel-view settings-view" id="main">
            <header class="channel-header">
                <MenuButton />
                <h1>"Settings"</h1>
            </header>
            <div class="settings">
                <ProfileForm />
                <section class="settings-section" aria-labelledby="settings-notifications">
                    <h2 id="settings-notifications">"Notifications"</h2>
                    <DesktopNotifications />
                    <p class="settings-note">
                        "Each channel's header sets what it notifies you of: "
                        {NotifyLevel::ALL.map(|n| n.label()).join(", ")}
                        ". Public channels with more than " {BUSY_CHANNEL}
                        " members start at " {NotifyLevel::Mentions.label()} "."
                    </p>
                </section>
                <ThemeChoice />
                <PasswordForm />
                <WayTo
                    id="settings-sessions"
                    title="Sessions"
                    what="See every browser you are signed in with, and sign any of them out: "
                    href=SESSIONS_PATH
                    link="Manage sessions"
                />
                <WayTo
                    id="settings-blocked"
                    title="Blocked people"
                    what="Stop someone from writing to you or notifying you: "
                    href=BLOCKED_PATH
                    link="Manage blocked people"
                />
                <AdminLink />
                <DeleteAccountForm />
            </div>
        </main>
    }
}

/// A section of the settings that leads to a page of its own (loaded from
/// the server, which renders its list).
#[component]
fn WayTo(
    id: &'static str,
    title: &'static str,
    what: &'static str,
    href: &'static str,
    link: &'static str,
) -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            <p>{what} <a href=href rel="external">{link}</a></p>
        </section>
    }
}

/// What desktop notifications are for.
const ASK: &str = "Get a notification when someone writes to you or mentions you while Banter is in the background, or closed.";

/// Whether this browser shows desktop notifications, and the button that
/// asks it to.
#[component]
fn DesktopNotifications() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    // `None` until hydrated (and on the server): shown as not asked yet.
    let state = RwSignal::new(None::<Permission>);
    Effect::new(move || state.set(Some(desktop::permission())));
    let enable = move |_| {
        leptos::task::spawn_local(async move {
            state.set(Some(desktop::enable(chat).await));
        });
    };
    move || {
        match state.get() {
        // Drawn disabled until it can work, rather than doing nothing.
        None => view! {
            <p>{ASK}</p>
            <button type="button" class="button primary" disabled>
                "Enable desktop notifications"
            </button>
        }
        .into_any(),
        Some(Permission::Ask) => view! {
            <p>{ASK}</p>
            <button type="button" class="button primary" on:click=enable>
                "Enable desktop notifications"
            </button>
        }
        .into_any(),
        Some(Permission::Granted) => view! {
            <p role="status">"Desktop notifications are on in this browser."</p>
        }
        .into_any(),
        Some(Permission::Denied) => view! {
            <p role="status">
                "This browser blocks notifications from Banter. Allow them in its settings for this site, then reload."
            </p>
        }
        .into_any(),
        Some(Permission::Unsupported) => view! {
            <p role="status">"This browser cannot show notifications from Banter."</p>
        }
        .into_any(),
    }
    }
}

/// The theme: the system's, light or dark.
#[component]
fn ThemeChoice() -> impl IntoView {
    let theme = expect_context::<ThemeState>();
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    let choices = [
        (None, "Match the system"),
        (Some(Theme::Light), "Light"),
        (Some(Theme::Dark), "Dark"),
    ];
    view! {
        <fieldset class="settings-section theme-choice" disabled=move || !hydrated.get()>
            <legend>"Theme"</legend>
            {choices
                .map(|(choice, label)| view! {
                    <label class="choice">
                        <input type="radio" name="theme"
                            prop:checked=move || theme.chosen() == choice
                            checked=theme.chosen_untracked() == choice
                            on:change=move |_| theme.choose(choice) />
                        {label}
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
}

/// For administrators, the way to `/settings/admin` (rendered by the
/// server only: the browser does not know who administers).
#[cfg(feature = "ssr")]
#[component]
fn AdminLink() -> impl IntoView {
    let admin = super::server_part::server_part::<bool>().unwrap_or(false);
    view! {
        <div class="admin-link">
            {admin.then(|| view! {
                <section class="settings-section" aria-labelledby="settings-admin">
                    <h2 id="settings-admin">"Administration"</h2>
                    <p>
                        "Find accounts, deactivate or reactivate them, reset passwords and choose administrators: "
                        <a href=ADMIN_PATH rel="external">"Manage accounts"</a>
                    </p>
                </section>
            })}
        </div>
    }
}

/// In the browser, its element as the server rendered it.
#[cfg(not(feature = "ssr"))]
#[component]
fn AdminLink() -> impl IntoView {
    super::server_part::browser_slot("admin-link", false)
}
