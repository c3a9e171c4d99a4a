//! A search query as typed, read into what it asks for.
//!
//! Words must all occur (each anywhere in the message, so the last word
//! being typed matches as a prefix too), `"an exact phrase"` occurs as
//! written, and filters narrow where and when: `from:alice`, `in:general`
//! (or `in:#general`), `in:@bob` (the conversation with bob),
//! `before:2026-12-01`, `after:…`, `on:…` (days in the reader's time zone)
//! and `has:link`. What is not understood is searched as text, and a
//! [`Hint`] says so; only a query too long or with too many words is
//! refused ([`QueryError`]), so that no query costs the server much.

use std::fmt;

use super::fold;

/// The longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// The most words and phrases a query may hold.
pub const MAX_TERMS: usize = 10;
/// The longest name a filter takes.
const MAX_NAME: usize = 64;

/// What a query asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Words and phrases, folded, each to occur in the folded text; no
    /// duplicates, none empty.
    pub terms: Vec<String>,
    /// The sender's username, in lower case.
    pub from: Option<String>,
    pub place: Option<Place>,
    /// Sent before this day began.
    pub before: Option<CivilDate>,
    /// Sent after this day ended.
    pub after: Option<CivilDate>,
    /// Sent on this day.
    pub on: Option<CivilDate>,
    /// Holds a web address.
    pub has_link: bool,
    /// What was read differently from how it was typed.
    pub hints: Vec<Hint>,
}

/// Where to search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A channel, by name (in lower case).
    Channel(String),
    /// The conversation with this user (username in lower case).
    Direct(String),
}

/// A query refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("Search for at most {MAX_QUERY_CHARS} characters.")]
    TooLong,
    #[error("Search for at most {MAX_TERMS} words or phrases.")]
    TooManyTerms,
}

/// Something in a query read differently from how it was typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    /// `key:` is no filter, so the word was searched as text.
    UnknownFilter(String),
    /// The filter's value is missing.
    Empty(&'static str),
    /// Not a date of the form 2026-12-01.
    BadDate(&'static str, String),
    /// `has:` takes `link`.
    UnknownHas(String),
    /// A filter given twice: the last one counts.
    Repeated(&'static str),
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::UnknownFilter(key) => write!(
                f,
                "“{key}:” is not a filter, so it was searched as text. Filters are \
                 from:name, in:channel, in:@name, before:, after: and on: a date \
                 (2026-12-01), and has:link."
            ),
            Hint::Empty(key) => match *key {
                "from" => write!(f, "from: needs a name, as in from:alice."),
                "in" => write!(f, "in: needs a channel, as in in:general or in:@alice."),
                "has" => write!(f, "has: needs what to have, as in has:link."),
                _ => write!(f, "{key}: needs a date, as in {key}:2026-12-01."),
            },
            Hint::BadDate(key, value) => write!(
                f,
                "“{value}” is not a date, so {key}: was left out. Write it as {key}:2026-12-01."
            ),
            Hint::UnknownHas(what) => write!(
                f,
                "has:{what} is not known, so it was left out. Try has:link."
            ),
            Hint::Repeated(key) => write!(f, "Only the last {key}: counts."),
        }
    }
}

/// A day of the calendar, as a filter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl CivilDate {
    /// Reads `2026-12-01`; `None` for anything else, or a day that does
    /// not exist.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
            return None;
        }
        let date = CivilDate {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days_in_month = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&date.day).then_some(date)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// When this day begins, in Unix milliseconds, at `offset` minutes east
    /// of UTC.
    pub fn start_millis(self, offset: i32) -> i64 {
        self.days_since_epoch() * 86_400_000 - i64::from(offset) * 60_000
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Query {
    /// Reads a query as typed.
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        if raw.chars().nth(MAX_QUERY_CHARS).is_some() {
            return Err(QueryError::TooLong);
        }
        let mut query = Query::default();
        for token in tokens(raw) {
            match token {
                Token::Phrase(text) => query.add_term(&text)?,
                Token::Word(word) => match word.split_once(':') {
                    Some((key, value)) if is_filter_like(key, value) => {
                        if !query.filter(key, value) {
                            query.hints.push(Hint::UnknownFilter(key.to_owned()));
                            query.add_term(word)?;
                        }
                    }
                    _ => query.add_term(word)?,
                },
            }
        }
        Ok(query)
    }

    /// Whether the query asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.from.is_none()
            && self.place.is_none()
            && self.before.is_none()
            && self.after.is_none()
            && self.on.is_none()
            && !self.has_link
    }

    fn add_term(&mut self, text: &str) -> Result<(), QueryError> {
        let term = fold(text);
        if term.is_empty() || self.terms.contains(&term) {
            return Ok(());
        }
        if self.terms.len() == MAX_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        self.terms.push(term);
        Ok(())
    }

    /// Applies the filter `key:value`; `false` if there is no such filter.
    fn filter(&mut self, key: &str, value: &str) -> bool {
        let key = key.to_ascii_lowercase();
        let (name, slot_taken) = match key.as_str() {
            "from" => ("from", self.from.is_some()),
            "in" => ("in", self.place.is_some()),
            "before" => ("before", self.before.is_some()),
            "after" => ("after", self.after.is_some()),
            "on" | "during" => ("on", self.on.is_some()),
            "has" => ("has", false),
            _ => return false,
        };
        if value.is_empty() {
            self.hints.push(Hint::Empty(name));
            return true;
        }
        if slot_taken {
            self.hints.push(Hint::Repeated(name));
        }
        let name_of = |v: &str| v.chars().take(MAX_NAME).collect::<String>().to_lowercase();
        match name {
            "from" => self.from = Some(name_of(value.trim_start_matches('@'))),
            "in" => {
                self.place = Some(match value.strip_prefix('@') {
                    Some(user) => Place::Direct(name_of(user)),
                    None => Place::Channel(name_of(value.trim_start_matches('#'))),
                })
            }
            "has" => match value.to_ascii_lowercase().as_str() {
                "link" | "links" => self.has_link = true,
                _ => self.hints.push(Hint::UnknownHas(value.to_owned())),
            },
            _ => match CivilDate::parse(value) {
                Some(date) => match name {
                    "before" => self.before = Some(date),
                    "after" => self.after = Some(date),
                    _ => self.on = Some(date),
                },
                None => self.hints.push(Hint::BadDate(name, value.to_owned())),
            },
        }
        true
    }
}

/// Whether `key:value` looks meant as a filter (a short word of letters
/// before the colon), rather than text with a colon in it (a web address,
/// a time, an emoji code).
fn is_filter_like(key: &str, value: &str) -> bool {
    (2..=12).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphabetic())
        && !value.starts_with("//")
        && !value.contains(':')
}

enum Token<'a> {
    Word(&'a str),
    Phrase(String),
}

/// The words and quoted phrases of a query; a quote left open runs to the
/// end.
fn tokens(raw: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = raw;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return tokens;
        }
        if let Some(quoted) = rest.strip_prefix('"') {
            let (phrase, after) = quoted.split_once('"').unwrap_or((quoted, ""));
            tokens.push(Token::Phrase(phrase.to_owned()));
            rest = after;
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            tokens.push(Token::Word(&rest[..end]));
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(year: i32, month: u8, day: u8) -> Option<CivilDate> {
        Some(CivilDate { year, month, day })
    }

    #[test]
    fn reads_words_phrases_and_filters() {
        let query = Query::parse(r#"Café "Release  Notes" from:@Alice in:#General has:link"#);
        let query = query.unwrap_or_default();
        assert_eq!(query.terms, ["cafe", "release notes"]);
        assert_eq!(query.from.as_deref(), Some("alice"));
        assert_eq!(query.place, Some(Place::Channel("general".into())));
        assert!(query.has_link && query.hints.is_empty());

        let query = Query::parse("in:@bob before:2026-12-01 after:2026-11-01 on:2026-11-15");
        let query = query.unwrap_or_default();
        assert!(query.terms.is_empty() && !query.is_empty());
        assert_eq!(query.place, Some(Place::Direct("bob".into())));
        assert_eq!(query.before, date(2026, 12, 1));
        assert_eq!(query.after, date(2026, 11, 1));
        assert_eq!(query.on, date(2026, 11, 15));
    }

    #[test]
    fn searches_what_it_does_not_understand_and_says_so() {
        let query = Query::parse("colour:red https://example.com 10:30 😀").unwrap_or_default();
        assert_eq!(
            query.terms,
            ["colour:red", "https://example.com", "10:30", "😀"]
        );
        assert_eq!(query.hints, [Hint::UnknownFilter("colour".into())]);

        let query = Query::parse("before:yesterday from: has:file").unwrap_or_default();
        assert!(query.is_empty());
        assert_eq!(
            query.hints,
            [
                Hint::BadDate("before", "yesterday".into()),
                Hint::Empty("from"),
                Hint::UnknownHas("file".into()),
            ]
        );
        assert!(query.hints.iter().all(|h| !h.to_string().is_empty()));
    }

    #[test]
    fn an_open_quote_runs_to_the_end() {
        let query = Query::parse(r#"a "日本語 の"#).unwrap_or_default();
        assert_eq!(query.terms, ["a", "日本語 の"]);
        assert!(Query::parse(r#"  ""  "#).unwrap_or_default().is_empty());
    }

    #[test]
    fn refuses_long_queries_and_many_words() {
        assert_eq!(Query::parse(&"x".repeat(257)), Err(QueryError::TooLong));
        assert!(Query::parse(&"x".repeat(256)).is_ok());
        let many: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
        assert_eq!(
            Query::parse(&many[..11].join(" ")),
            Err(QueryError::TooManyTerms)
        );
        assert!(Query::parse(&many[..10].join(" ")).is_ok());
        // Repeats count once.
        assert!(Query::parse(&["same"; 30].join(" ")).is_ok());
    }

    #[test]
    fn reads_dates_strictly() {
        assert_eq!(CivilDate::parse("2024-02-29"), date(2024, 2, 29));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "２０２６-01-01",
        ] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
        assert_eq!(date(1970, 1, 1).map(CivilDate::days_since_epoch), Some(0));
        assert_eq!(
            date(2000, 3, 1).map(CivilDate::days_since_epoch),
            Some(11_017)
        );
        assert_eq!(
            date(2026, 12, 1).map(|d| d.start_millis(60)),
            Some(1_796_083_200_000 - 3_600_000)
        );
    }

    proptest! {
        #[test]
        fn any_query_reads_or_is_refused_without_panicking(raw in "\\PC{0,300}") {
            match Query::parse(&raw) {
                Ok(query) => {
                    prop_assert!(query.terms.len() <= MAX_TERMS);
                    prop_assert!(query.terms.iter().all(|t| !t.is_empty() && fold(t) == *t));
                }
                Err(QueryError::TooLong) => prop_assert!(raw.chars().count() > MAX_QUERY_CHARS),
                Err(QueryError::TooManyTerms) => {}
            }
        }
    }
}
