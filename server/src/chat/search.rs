//! Searching messages for the `/search` page: reading the query, turning
//! its filters into the store's terms (days in the reader's time zone),
//! limiting how often and how long a user searches, and indexing, at
//! start, the messages stored before the index existed.

use std::time::{Duration, Instant};

use app::{
    chat::{search_results::SearchResultsView, time::offset_in},
    model::User,
    search::{Hit, Query, SearchForm, SearchRefusal, SearchResults, Sort, PAGE},
};
use axum::{
    extract::State,
    http::{header, request::Parts, StatusCode},
    response::{Html, IntoResponse, Response},
};
use leptos::prelude::*;

use crate::{
    state::AppState,
    store::{
        search::{Order, Search},
        Store, StoreError,
    },
};

/// How long one search may run in the database before it is stopped.
pub const SEARCH_TIME: Duration = Duration::from_secs(2);

/// One day, in milliseconds.
const DAY_MS: i64 = 86_400_000;

impl AppState {
    /// One page of what `form` finds for `me`, whose clock is `offset`
    /// minutes east of UTC.
    pub async fn search(
        &self,
        me: &User,
        form: &SearchForm,
        offset: i32,
    ) -> Result<SearchResults, SearchRefusal> {
        let query = Query::parse(&form.q).map_err(SearchRefusal::Query)?;
        if query.is_empty() {
            return Ok(SearchResults {
                hints: query.hints,
                ..SearchResults::default()
            });
        }
        self.search_limits
            .take(&me.id, Instant::now())
            .map_err(|wait| SearchRefusal::TooMany(wait.as_secs().max(1)))?;
        let search = store_search(me, &query, form, offset);
        let started = Instant::now();
        let found = self.store.search(&search, SEARCH_TIME).await;
        metrics::histogram!(crate::observe::SEARCH_SECONDS).record(started.elapsed());
        let found = found.map_err(|error| match error {
            StoreError::TimedOut => {
                metrics::counter!(crate::observe::SEARCHES_TIMED_OUT_TOTAL).increment(1);
                SearchRefusal::TooSlow
            }
            error => {
                tracing::error!(%error, "search failed");
                SearchRefusal::Unavailable
            }
        })?;
        let hits = found
            .messages
            .into_iter()
            .filter_map(|message| {
                let channel = found.channels.iter().find(|c| c.id == message.channel)?;
                Some(Hit {
                    place: channel.name.clone(),
                    direct: channel.direct,
                    member: channel.member,
                    message,
                })
            })
            .collect();
        Ok(SearchResults {
            terms: query.terms,
            hints: query.hints,
            hits,
            more: found.more,
        })
    }
}

/// What the store is asked for `query`.
fn store_search(me: &User, query: &Query, form: &SearchForm, offset: i32) -> Search {
    let start = |date: app::search::CivilDate| date.start_millis(offset);
    let since = [query.after.map(|d| start(d) + DAY_MS), query.on.map(start)]
        .into_iter()
        .flatten()
        .max();
    let until = [query.before.map(start), query.on.map(|d| start(d) + DAY_MS)]
        .into_iter()
        .flatten()
        .min();
    Search {
        viewer: me.id,
        terms: query.terms.clone(),
        from: query.from.clone(),
        place: query.place.clone(),
        since,
        until,
        has_link: query.has_link,
        order: match form.sort {
            Sort::Newest => Order::Newest {
                before: form.before,
            },
            Sort::Relevance => Order::Relevance {
                skip: (form.page.max(1) - 1) * PAGE,
            },
        },
        limit: PAGE,
    }
}

/// `GET /search/results?q=…`: the results of a search alone, as HTML, for
/// the search page to put in place as the reader types.
pub async fn results(State(state): State<AppState>, parts: Parts) -> Response {
    let form = SearchForm::from_query(parts.uri.query().unwrap_or(""));
    let offset = parts
        .headers
        .get(header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .map_or(0, offset_in);
    let outcome = match state.current_user(&parts).await {
        Ok(Some(me)) => state.search(&me, &form, offset).await,
        Ok(None) => {
            let signed_out = r#"<p class="search-error" role="alert">You are signed out. <a href="/login" rel="external">Log in</a> to search.</p>"#;
            return (StatusCode::UNAUTHORIZED, Html(signed_out)).into_response();
        }
        Err(_) => Err(SearchRefusal::Unavailable),
    };
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(refusal) => refusal.status(),
    };
    let html = Owner::new().with(|| view! { <SearchResultsView form outcome offset /> }.to_html());
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// Indexes every message stored before the search index existed (a
/// database from before it, or one `migrate-to` filled), logging how far
/// it got. Runs before the server serves, so that search finds every
/// message from the first request.
pub async fn index_backlog(store: &dyn Store) -> Result<(), StoreError> {
    let mut done = 0u64;
    let started = Instant::now();
    loop {
        let batch = store.index_backlog().await?;
        if batch == 0 {
            break;
        }
        done += batch;
        if done % 100_000 < batch {
            tracing::info!(messages = done, "indexing stored messages for search");
        }
    }
    if done > 0 {
        tracing::info!(
            messages = done,
            seconds = started.elapsed().as_secs_f64(),
            "indexed the stored messages for search"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::UserId;

    #[test]
    fn days_are_the_readers() {
        let me = User {
            id: UserId(1),
            username: "alice".into(),
            display: String::new(),
        };
        let query = Query::parse("on:2026-12-01 before:2026-12-31").unwrap_or_default();
        // Tokyo, nine hours ahead of UTC.
        let search = store_search(&me, &query, &SearchForm::default(), 9 * 60);
        let day = 1_796_083_200_000 - 9 * 3_600_000;
        assert_eq!(search.since, Some(day));
        assert_eq!(search.until, Some(day + DAY_MS));
        let query = Query::parse("after:2026-12-01").unwrap_or_default();
        let search = store_search(&me, &query, &SearchForm::default(), 0);
        assert_eq!(search.since, Some(1_796_083_200_000 + DAY_MS));
        assert_eq!(search.until, None);
    }
}
