//! A modal dialog driven by a signal.

use leptos::{html, prelude::*};

/// A `<dialog>` shown modally while `open` is true. Closing it (Escape, or
/// its own buttons) sets `open` back to false.
#[component]
pub fn Modal(open: RwSignal<bool>, title: &'static str, children: Children) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let title_id = format!("dialog-{}", title.to_lowercase().replace(' ', "-"));
    let heading_id = title_id.clone();
    Effect::new(move || {
        let Some(dialog) = dialog.get() else { return };
        let open = open.get();
        let connected = dialog.is_connected();
        let apply = move || match (open, dialog.open()) {
            (true, false) => {
                let _ = dialog.show_modal();
            }
            (false, true) => dialog.close(),
            _ => {}
        };
        // A dialog fetched on demand (crate::split) is built before it is
        // in the page, and a dialog can only be shown once it is.
        if connected {
            apply();
        } else {
            request_animation_frame(apply);
        }
    });
    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            aria-labelledby=title_id
            on:close=move |_| open.set(false)
        >
            <h2 class="dialog-title" id=heading_id>{title}</h2>

            {children()}
        </dialog>
    }
}
