//! The results of a search, as the server renders them: on `/search`, and
//! alone at `/search/results` for the page to put in place as the reader
//! types. Server side only: the browser never renders them.

use leptos::prelude::*;

use super::{
    page::message_href_at,
    time::{iso, moment},
};
use crate::{
    model::full_name,
    search::{snippet, Hit, SearchForm, SearchRefusal, SearchResults, MAX_RELEVANCE_PAGES},
};

/// The most characters of a message a result shows.
const SNIPPET_CHARS: usize = 280;

/// What a search found (or why it found nothing), for a reader whose clock
/// is `offset` minutes east of UTC.
#[component]
pub fn SearchResultsView(
    form: SearchForm,
    outcome: Result<SearchResults, SearchRefusal>,
    offset: i32,
) -> impl IntoView {
    let results = match outcome {
        Ok(results) => results,
        Err(refusal) => {
            return view! { <p class="search-error" role="alert">{refusal.to_string()}</p> }
                .into_any()
        }
    };
    let hints = (!results.hints.is_empty()).then(|| {
        view! {
            <ul class="search-hints">
                {results.hints.iter().map(|hint| view! { <li>{hint.to_string()}</li> }).collect_view()}
            </ul>
        }
    });
    if form.q.trim().is_empty() {
        return view! { {hints} <Tips /> }.into_any();
    }
    if results.hits.is_empty() {
        let first_page = form.before.is_none() && form.page <= 1;
        return view! {
            {hints}
            <div class="search-empty">
                <p>
                    <strong>{if first_page { "No messages match " } else { "No more messages match " }}</strong>
                    <q>{form.q.clone()}</q>
                </p>
                <Tips />
            </div>
        }
        .into_any();
    }
    let next = results
        .hits
        .last()
        .filter(|_| results.more && form.page < MAX_RELEVANCE_PAGES)
        .map(|hit| form.next_href(hit.message.id));
    let terms = results.terms;
    view! {
        {hints}
        <ol class="search-results" aria-label="Search results">
            {results
                .hits
                .into_iter()
                .map(|hit| view! { <Result hit terms=terms.clone() offset /> })
                .collect_view()}
        </ol>
        {next.map(|href| view! { <a class="button subtle more-results" href=href rel="external">"More results"</a> })}
    }
    .into_any()
}

/// What a query may say.
#[component]
fn Tips() -> impl IntoView {
    view! {
        <div class="search-tips">
            <p>"Every word must occur, anywhere in a message. Letter case and accents do not matter: "
                <code>"cafe"</code> " finds “Café”."</p>
            <ul>
                <li><code>"\"exact phrase\""</code> " finds the words together"</li>
                <li><code>"from:alice"</code> " messages alice sent"</li>
                <li><code>"in:general"</code> " or " <code>"in:@alice"</code> " one channel or conversation"</li>
                <li><code>"before:2026-12-01"</code> ", " <code>"after:"</code> ", " <code>"on:"</code> " by day"</li>
                <li><code>"has:link"</code> " messages with a web address"</li>
            </ul>
        </div>
    }
}

/// One message found: where, who and when, then the stretch of it that
/// matched, as a link to the message in its channel.
#[component]
fn Result(hit: Hit, terms: Vec<String>, offset: i32) -> impl IntoView {
    let Hit {
        message,
        place,
        direct,
        member,
    } = hit;
    let place = match direct {
        true => place,
        false => format!("#{place}"),
    };
    let href = message_href_at(message.channel, message.seq);
    let when = moment(message.at, offset);
    let shown = match &message.body {
        Some(body) => body.plain(),
        None => message.text.clone(),
    };
    let cut = snippet(&shown, &terms, SNIPPET_CHARS);
    let pieces = cut
        .pieces
        .into_iter()
        .map(|(text, marked)| match marked {
            true => view! { <mark>{text}</mark> }.into_any(),
            false => text.into_any(),
        })
        .collect_view();
    view! {
        <li class="search-result">
            <div class="search-result-meta">
                <span class="search-place">{place}</span>
                {(!member).then(|| view! { <span class="search-badge">"Not joined"</span> })}
                <span class="author">
                    {full_name(&message.sender_name, &message.sender_display)}
                </span>
                <time datetime=iso(message.at)>{when}</time>
            </div>
            <a class="search-result-text" href=href rel="external" dir="auto">
                {cut.cut_before.then_some("…")}
                {pieces}
                {cut.cut_after.then_some("…")}
            </a>
        </li>
    }
}
