//! A search as the page asks for it (its address) and what it finds, as the
//! server renders it.

use std::fmt;

use super::{Hint, QueryError};
use crate::{
    chat::SEARCH_PATH,
    protocol::{Message, MessageId},
};

/// How many results a page shows.
pub const PAGE: u32 = 20;
/// The most pages of results by relevance (past them, narrow the search).
pub const MAX_RELEVANCE_PAGES: u32 = 25;

/// The order of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Relevance,
}

impl Sort {
    /// As the address has it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Relevance => "relevance",
        }
    }
}

/// A search, as its address gives it: `/search?q=…&sort=…&before=…&page=…`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchForm {
    /// The query as typed.
    pub q: String,
    pub sort: Sort,
    /// Newest first: the page of results older than this message.
    pub before: Option<MessageId>,
    /// By relevance: which page (from 1).
    pub page: u32,
}

impl SearchForm {
    /// Reads the address's query (`q=…&sort=…`); what is missing or wrong
    /// takes its default.
    pub fn from_query(query: &str) -> Self {
        let mut form = SearchForm {
            page: 1,
            ..SearchForm::default()
        };
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*key {
                "q" => form.q = value.chars().take(4 * super::MAX_QUERY_CHARS).collect(),
                "sort" if value == "relevance" => form.sort = Sort::Relevance,
                "before" => form.before = value.parse().ok().map(MessageId),
                "page" => form.page = value.parse().unwrap_or(1).clamp(1, MAX_RELEVANCE_PAGES),
                _ => {}
            }
        }
        form
    }

    /// The address of this search, at its first page.
    pub fn href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &self.q);
        if self.sort == Sort::Relevance {
            query.append_pair("sort", self.sort.as_str());
        }
        format!("{SEARCH_PATH}?{}", query.finish())
    }

    /// The address of the page after this one, whose last result is `last`.
    pub fn next_href(&self, last: MessageId) -> String {
        match self.sort {
            Sort::Newest => format!("{}&before={}", self.href(), last.0),
            Sort::Relevance => format!("{}&page={}", self.href(), self.page + 1),
        }
    }
}

/// One message found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub message: Message,
    /// "general", or the other person's name in a conversation.
    pub place: String,
    pub direct: bool,
    /// Whether the searcher is in the channel (public channels they have
    /// not joined are searched too).
    pub member: bool,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// Folded words and phrases to mark in each result.
    pub terms: Vec<String>,
    /// What the query did not say as it meant, for the reader.
    pub hints: Vec<Hint>,
    pub hits: Vec<Hit>,
    /// Whether more follow.
    pub more: bool,
}

/// Why a search found nothing to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchRefusal {
    Query(QueryError),
    /// It ran past its time.
    TooSlow,
    /// Too many searches; try again in this many seconds.
    TooMany(u64),
    /// The search could not run (logged on the server).
    Unavailable,
}

#[cfg(feature = "ssr")]
impl SearchRefusal {
    /// The HTTP status that fits.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            SearchRefusal::Query(_) => StatusCode::UNPROCESSABLE_ENTITY,
            SearchRefusal::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            SearchRefusal::TooSlow | SearchRefusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl fmt::Display for SearchRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchRefusal::Query(error) => error.fmt(f),
            SearchRefusal::TooSlow => write!(
                f,
                "That search took too long. Try longer or more words, or narrow it with from:, in: or a date."
            ),
            SearchRefusal::TooMany(seconds) => {
                write!(f, "Too many searches at once. Try again in {seconds} s.")
            }
            SearchRefusal::Unavailable => {
                write!(f, "Search is unavailable just now. Please try again.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_its_address() {
        let form = SearchForm::from_query("q=caf%C3%A9+from%3Aalice&sort=relevance&page=3&x=1");
        assert_eq!(form.q, "café from:alice");
        assert_eq!(form.sort, Sort::Relevance);
        assert_eq!(form.page, 3);
        assert_eq!(
            form.href(),
            "/search?q=caf%C3%A9+from%3Aalice&sort=relevance"
        );
        assert_eq!(
            form.next_href(MessageId(9)),
            format!("{}&page=4", form.href())
        );
        let form = SearchForm::from_query("q=x&before=41&page=-2");
        assert_eq!(
            (form.sort, form.before, form.page),
            (Sort::Newest, Some(MessageId(41)), 1)
        );
        assert_eq!(form.next_href(MessageId(7)), "/search?q=x&before=7");
        assert_eq!(SearchForm::from_query("page=999").page, MAX_RELEVANCE_PAGES);
    }
}
