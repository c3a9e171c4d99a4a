//! Message search: what a query asks for, and how text matches it.
//!
//! Both databases index each message's text *folded* ([`fold`]): in lower
//! case, without diacritics, in Unicode's compatibility form, with every run
//! of whitespace one space. A query's words are folded the same way
//! ([`Query`]) and each must occur somewhere in the folded text, as a
//! substring: SQLite's FTS5 and PostgreSQL's `pg_trgm` both index trigrams
//! of that text, so the two databases find exactly the same messages, and
//! scripts written without spaces (Japanese, Chinese) match like any other.
//! The results page marks what matched ([`marks`]) by folding the shown
//! text the same way, so the marks agree with the match.
//!
//! Server side only (the `search` feature): the browser never parses a
//! query or folds text.

mod document;
mod fold;
mod highlight;
mod query;
mod results;

pub use document::Document;
pub use fold::{fold, Folded};
pub use highlight::{marks, snippet, Snippet};
pub use query::{CivilDate, Hint, Place, Query, QueryError, MAX_QUERY_CHARS, MAX_TERMS};
pub use results::{Hit, SearchForm, SearchRefusal, SearchResults, Sort, MAX_RELEVANCE_PAGES, PAGE};
