//! What characters user text may hold: the classes the validating
//! constructors in [`crate::model`] refuse or look through.
//!
//! Three kinds of character cause trouble when stored or shown:
//! - control characters (C0, DEL, C1): PostgreSQL refuses NUL in text, and
//!   the rest draw nothing or garble terminals and logs;
//! - invisible ones (zero-width spaces, joiners, fillers, variation
//!   selectors): a message made only of them looks empty;
//! - bidirectional overrides and isolates: they reorder the text around
//!   them, so a name could show as something else.

/// Whether `c` is a control character other than newline and tab.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Whether `c` draws nothing: whitespace, or a default-ignorable or blank
/// code point (Unicode's `Default_Ignorable_Code_Point`, plus the blank
/// pattern and fillers that render as empty space).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether `c` overrides or isolates the direction of the text around it
/// (U+202A–U+202E, U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every line break (`\r\n`, or a lone `\r`) as `\n`, as a
/// textarea's value has it; browsers send `\r\n` from plain form posts.
pub fn normalise_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

/// The start of `text`'s first non-blank line, at most `max` characters
/// (cut at a character, never inside one), with "…" when cut short.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let cut = line.char_indices().nth(max).map(|(at, _)| at);
    match cut {
        Some(at) => format!("{}…", line[..at].trim_end()),
        None if text.trim() != line => format!("{line}…"),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn classes() {
        for c in ['\0', '\u{7}', '\u{1B}', '\u{7F}', '\u{85}', '\r'] {
            assert!(is_forbidden_control(c), "{c:?}");
        }
        for c in ['\n', '\t', 'a', 'é', '日', '🦀'] {
            assert!(!is_forbidden_control(c), "{c:?}");
        }
        for c in [
            '\u{200B}', '\u{2060}', '\u{FEFF}', '\u{3164}', ' ', '\u{3000}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', 'ا', '日', '🦀', '.'] {
            assert!(!is_invisible(c), "{c:?}");
        }
        assert!(is_bidi_control('\u{202E}') && is_bidi_control('\u{2067}'));
        assert!(!is_bidi_control('\u{200F}'));
    }

    #[test]
    fn line_breaks_become_newlines() {
        assert_eq!(normalise_newlines("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(normalise_newlines("日本\r\n語"), "日本\n語");
    }

    #[test]
    fn an_excerpt_is_the_start_of_the_first_line() {
        assert_eq!(excerpt("hello", 10), "hello");
        assert_eq!(excerpt("\n  hello\nworld", 10), "hello…");
        assert_eq!(excerpt("日本語のテキスト", 3), "日本語…");
        assert_eq!(excerpt("Привет мир", 7), "Привет…");
        assert_eq!(excerpt("👍🏽👍🏽", 1), "👍…");
        assert_eq!(excerpt("", 5), "");
    }

    proptest! {
        #[test]
        fn an_excerpt_never_panics_and_stays_short(text in any::<String>(), max in 0usize..200) {
            let short = excerpt(&text, max);
            prop_assert!(short.chars().count() <= max + 1);
            prop_assert!(!short.contains('\n'));
        }

        #[test]
        fn normalising_keeps_everything_but_carriage_returns(text in any::<String>()) {
            let normal = normalise_newlines(&text);
            prop_assert!(!normal.contains('\r'));
            prop_assert_eq!(
                normal.chars().filter(|c| *c != '\n').collect::<String>(),
                text.chars().filter(|c| *c != '\n' && *c != '\r').collect::<String>()
            );
        }
    }
}
