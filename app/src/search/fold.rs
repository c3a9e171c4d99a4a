//! Folding text for matching: what makes "Café" and "cafe", "ＡＢＣ" and
//! "abc", "Straße" and "strasse" the same to search.
//!
//! Each character is decomposed (NFKD, so compatibility forms such as
//! full-width letters and ligatures become their plain letters), loses its
//! diacritics (the combining marks of Latin, Greek and Cyrillic, and
//! Arabic's and Hebrew's vowel points; not the Japanese voicing marks,
//! which change the letter) and goes to lower case (with `ß` as "ss" and a
//! final sigma as σ, as Unicode's case folding has them). It stays
//! decomposed, so that "が" typed as one character or as two folds alike;
//! Hangul syllables alone are kept whole (their letters are not marks).
//! Runs of whitespace become one space; leading and trailing whitespace
//! goes.
//!
//! [`Folded`] remembers which character of the original each folded one came
//! from, so that a match in the folded text can be marked in the original.

use unicode_normalization::char::decompose_compatible;

/// Text folded for matching, and where each folded piece came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each original character that produced folded text, in order:
    /// (byte offset of its folded text, byte offset of it in the original).
    origin: Vec<(usize, usize)>,
}

/// `text`, folded (see the module's documentation).
pub fn fold(text: &str) -> String {
    Folded::new(text).text
}

impl Folded {
    pub fn new(text: &str) -> Self {
        let mut folded = Folded {
            text: String::with_capacity(text.len()),
            origin: Vec::new(),
        };
        // Whether the folded text ends in a space (or is empty), so that a
        // run of whitespace becomes one space and leading whitespace none.
        let mut spaced = true;
        let mut piece = String::new();
        for (at, c) in text.char_indices() {
            piece.clear();
            let start = folded.text.len();
            if c.is_ascii() {
                if c.is_ascii_whitespace() {
                    if !spaced {
                        folded.text.push(' ');
                        spaced = true;
                    }
                } else {
                    folded.text.push(c.to_ascii_lowercase());
                    spaced = false;
                }
            } else {
                if is_hangul_syllable(c) {
                    piece.push(c);
                } else {
                    decompose_compatible(c, |d| {
                        if !is_diacritic(d) {
                            lower_into(d, &mut piece);
                        }
                    });
                }
                for d in piece.chars() {
                    if d.is_whitespace() {
                        if !spaced {
                            folded.text.push(' ');
                            spaced = true;
                        }
                    } else {
                        folded.text.push(d);
                        spaced = false;
                    }
                }
            }
            if folded.text.len() > start {
                folded.origin.push((start, at));
            }
        }
        if folded.text.ends_with(' ') {
            folded.text.pop();
            if folded
                .origin
                .last()
                .is_some_and(|&(start, _)| start == folded.text.len())
            {
                folded.origin.pop();
            }
        }
        folded
    }

    /// The byte range of the original text that the folded bytes
    /// `start..end` came from: from the start of the character that made
    /// the first of them to the end of the one that made the last. `None`
    /// for an empty or out-of-range span.
    pub fn original(&self, start: usize, end: usize, original: &str) -> Option<(usize, usize)> {
        if start >= end || end > self.text.len() {
            return None;
        }
        let first = self.origin_of(start)?;
        let last = self.origin_of(end - 1)?;
        let last_len = original.get(last..)?.chars().next()?.len_utf8();
        Some((first, last + last_len))
    }

    /// The original offset of the character that made folded byte `at`.
    fn origin_of(&self, at: usize) -> Option<usize> {
        let i = self.origin.partition_point(|&(start, _)| start <= at);
        self.origin.get(i.checked_sub(1)?).map(|&(_, from)| from)
    }
}

/// Appends `c` in lower case, folding the few letters whose lower case is
/// not what case folding gives.
fn lower_into(c: char, out: &mut String) {
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'ς' => out.push('σ'),
        _ => {
            for l in c.to_lowercase() {
                if !is_diacritic(l) {
                    out.push(l);
                }
            }
        }
    }
}

fn is_hangul_syllable(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}')
}

/// The marks folding drops: diacritics that do not make another letter.
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05BD}'
            | '\u{05BF}'
            | '\u{05C1}'..='\u{05C2}'
            | '\u{05C4}'..='\u{05C5}'
            | '\u{05C7}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_case_diacritics_and_compatibility_forms() {
        assert_eq!(fold("Café CRÈME brûlée"), "cafe creme brulee");
        assert_eq!(fold("ＡＢＣ ﬁle ①"), "abc file 1");
        assert_eq!(fold("Straße ΣΟΦΟΣ σοφος"), "strasse σοφοσ σοφοσ");
        assert_eq!(fold("Привет, Ёлка"), "привет, елка");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("مُحَمَّد"), "محمد");
    }

    #[test]
    fn keeps_letters_that_marks_make() {
        // The voicing mark makes が another letter than か; typed as one
        // character or two, or in half-width katakana, it folds alike.
        assert_ne!(fold("が"), fold("か"));
        assert_eq!(fold("がっこう"), fold("か\u{3099}っこう"));
        assert_eq!(fold("ｶﾞｯｺｳ"), fold("ガッコウ"));
        assert_eq!(fold("한국어"), "한국어");
        assert_eq!(fold("日本語のテキスト"), "日本語のテキスト");
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(fold("  two\n\n words\t here  "), "two words here");
        assert_eq!(fold("\u{3000}全角\u{00A0}space"), "全角 space");
        assert_eq!(fold(" \n "), "");
    }

    #[test]
    fn maps_folded_spans_back_to_the_original() {
        let text = "Ein Café in Zürich";
        let folded = Folded::new(text);
        let at = folded.text.find("cafe").unwrap_or(0);
        let (start, end) = folded.original(at, at + 4, text).unwrap_or((0, 0));
        assert_eq!(&text[start..end], "Café");
        let at = folded.text.find("zur").unwrap_or(0);
        let (start, end) = folded.original(at, at + 3, text).unwrap_or((0, 0));
        assert_eq!(&text[start..end], "Zür");
        let text = "die Straße";
        let folded = Folded::new(text);
        // Half of a letter that folds to two still marks the letter.
        let at = folded.text.find("as").unwrap_or(0);
        let (start, end) = folded.original(at, at + 2, text).unwrap_or((0, 0));
        assert_eq!(&text[start..end], "aß");
        assert_eq!(folded.original(3, 3, text), None);
        assert_eq!(folded.original(0, 99, text), None);
    }

    proptest! {
        #[test]
        fn folding_is_total_idempotent_and_maps_within_the_original(text in "\\PC{0,40}") {
            let folded = Folded::new(&text);
            prop_assert_eq!(fold(&folded.text), folded.text.clone());
            prop_assert!(!folded.text.starts_with(' ') && !folded.text.ends_with(' '));
            prop_assert!(!folded.text.contains("  "));
            for (start, _) in folded.text.char_indices() {
                for end in (start + 1..=folded.text.len()).filter(|&e| folded.text.is_char_boundary(e)) {
                    let span = folded.original(start, end, &text);
                    prop_assert!(span.is_some());
                    let (from, to) = span.unwrap_or((0, 0));
                    prop_assert!(from < to && to <= text.len());
                    prop_assert!(text.is_char_boundary(from) && text.is_char_boundary(to));
                }
            }
        }
    }
}
