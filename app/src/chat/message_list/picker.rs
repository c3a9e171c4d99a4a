//! "Choose a reaction": frequent emoji first, then a search by name over the
//! full Unicode set. The set is not in the WebAssembly: it is read once, on
//! first opening, from the server's list ([`EMOJI_PATH`]), which comes from
//! the same emoji data the server checks reactions against.

use leptos::{prelude::*, task::spawn_local};
use reactive_stores::Store;

use super::dialogs::{open_while, MessageDialogs};
use crate::{
    chat::{
        dialogs::{modal::Modal, search::SearchField},
        link::Link,
        outbox,
        state::Chat,
    },
    protocol::EMOJI_PATH,
};

/// Offered first, before any search.
const FREQUENT: [&str; 8] = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

/// The most matches a search shows.
const SHOWN: usize = 200;

/// One emoji as the picker offers it.
#[derive(Clone, Debug, PartialEq)]
struct Named {
    emoji: String,
    /// Its CLDR name, which its button is named by.
    name: String,
    /// Its shortcodes ("+1 thumbsup"), searched too.
    shortcodes: String,
}

#[component]
pub(super) fn ReactionPicker() -> impl IntoView {
    let dialogs = expect_context::<MessageDialogs>();
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let open = open_while(dialogs.reacting);
    let all = RwSignal::new(Vec::<Named>::new());
    let query = RwSignal::new(String::new());

    Effect::new(move || {
        if open.get() && all.with_untracked(Vec::is_empty) {
            spawn_local(async move { all.set(load().await) });
        }
        if !open.get() {
            query.set(String::new());
        }
    });

    let pick = move |emoji: String| {
        let Some(message) = dialogs.reacting.get_untracked() else {
            return;
        };
        open.set(false);
        let channel = dialogs.channel.get_untracked();
        outbox::react(chat, &link, channel, message, emoji, true);
    };
    let shown = move || {
        all.with(|all| {
            query.with(|query| {
                let query = query.trim().to_lowercase();
                if query.is_empty() {
                    FREQUENT
                        .iter()
                        .filter_map(|f| all.iter().find(|n| n.emoji == *f))
                        .chain(all.iter().filter(|n| !FREQUENT.contains(&n.emoji.as_str())))
                        .take(SHOWN)
                        .cloned()
                        .collect()
                } else {
                    matching(all, &query)
                }
            })
        })
    };

    view! {
        <Modal open title="Choose a reaction">
            <SearchField id="emoji-search" label="Search emoji" query />
            <div class="emoji-grid">
                {move || {
                    let pick = pick.clone();
                    shown()
                        .into_iter()
                        .map(|Named { emoji, name, .. }| {
                            let pick = pick.clone();
                            let chosen = emoji.clone();
                            view! {
                                <button type="button" class="emoji" aria-label=name.clone() title=name
                                    on:click=move |_| pick(chosen.clone())>
                                    {emoji}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <Show when=move || !query.with(String::is_empty) && shown().is_empty()>
                <p class="result-empty">"No emoji by that name."</p>
            </Show>
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}

/// The emoji whose name or shortcodes have every word of `query` (lower
/// case) as the start of one of their words, in any case: "thu" finds
/// "thumbs up", "face joy" finds "face with tears of joy", "tada" finds
/// "party popper".
fn matching(all: &[Named], query: &str) -> Vec<Named> {
    all.iter()
        .filter(
            |Named {
                 name, shortcodes, ..
             }| {
                let words = || {
                    name.split([' ', '-', ':'])
                        .chain(shortcodes.split([' ', '_']))
                };
                query
                    .split_whitespace()
                    .all(|word| words().any(|w| starts_with_folded(w, word)))
            },
        )
        .take(SHOWN)
        .cloned()
        .collect()
}

/// Whether `word` starts with `prefix` (lower case), ignoring case.
fn starts_with_folded(word: &str, prefix: &str) -> bool {
    let mut word = word.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| word.next() == Some(p))
}

/// Reads the emoji list from the server; empty if it cannot be read (the
/// picker then shows nothing, and opening it again tries again).
async fn load() -> Vec<Named> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;

        let Ok(response) = JsFuture::from(window().fetch_with_str(EMOJI_PATH)).await else {
            return Vec::new();
        };
        let response = response.unchecked_into::<web_sys::Response>();
        let Ok(text) = response.text() else {
            return Vec::new();
        };
        let text = JsFuture::from(text).await.ok().and_then(|t| t.as_string());
        parse(&text.unwrap_or_default())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = EMOJI_PATH;
        Vec::new()
    }
}

/// Reads "emoji\tname\tshortcodes" lines (the shortcodes may be missing);
/// any other line is skipped.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn parse(list: &str) -> Vec<Named> {
    list.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (emoji, name) = (fields.next()?, fields.next()?);
            Some(Named {
                emoji: emoji.to_owned(),
                name: name.to_owned(),
                shortcodes: fields.next().unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{matching, parse};

    #[test]
    fn searching_matches_the_start_of_every_word() {
        let all = parse(concat!(
            "👍\tthumbs up\t+1 thumbsup\n",
            "😂\tface with tears of joy\tjoy\n",
            "broken line\n",
            "🇯🇵\tflag: Japan\tjp\n",
            "🎉\tparty popper\ttada\n",
        ));
        assert_eq!(all.len(), 4);
        let names =
            |q: &str| -> Vec<String> { matching(&all, q).into_iter().map(|n| n.name).collect() };
        assert_eq!(names("thu"), ["thumbs up"]);
        assert_eq!(names("face joy"), ["face with tears of joy"]);
        assert_eq!(names("jap"), ["flag: Japan"]);
        assert_eq!(names("up"), ["thumbs up"]);
        assert!(names("humbs").is_empty());
        assert_eq!(names("tada"), ["party popper"]);
        assert_eq!(names("+1"), ["thumbs up"]);
        assert_eq!(names("joy"), ["face with tears of joy"]);
    }
}
