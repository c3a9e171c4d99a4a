//! Files' names: the name an upload gives is kept as a label (never as a
//! path), made one safe line, and written back into `Content-Disposition`
//! so that every browser saves the file under it.

use app::protocol::MAX_FILE_NAME_CHARS;

/// The most characters of an extension kept when a long name is cut.
const MAX_EXTENSION_CHARS: usize = 16;

/// `raw` as a file's name: its last path component, on one line, without
/// control characters or direction overrides, whitespace folded, at most
/// [`MAX_FILE_NAME_CHARS`] characters (a long name keeps its extension);
/// `None` if nothing is left.
pub fn file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut name = String::with_capacity(last.len().min(4 * MAX_FILE_NAME_CHARS));
    for word in last
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
    {
        if !name.is_empty() {
            name.push(' ');
        }
        name.extend(word.chars().filter(|&c| !is_format_control(c)));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        return None;
    }
    Some(shorten(name))
}

/// Direction overrides and other invisible formatting that could make a
/// name read as something else ("gpj.exe" shown as "exe.jpg").
fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// `name` cut to [`MAX_FILE_NAME_CHARS`] characters, keeping a short
/// extension.
fn shorten(name: &str) -> String {
    let count = name.chars().count();
    if count <= MAX_FILE_NAME_CHARS {
        return name.to_owned();
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.chars().count() <= MAX_EXTENSION_CHARS);
    match extension {
        Some(ext) => {
            let keep = MAX_FILE_NAME_CHARS - ext.chars().count() - 1;
            let stem: String = name.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => {
            let cut: String = name.chars().take(MAX_FILE_NAME_CHARS).collect();
            cut.trim_end().to_owned()
        }
    }
}

/// A `Content-Disposition` value for `name`: `inline` or `attachment`, the
/// name in UTF-8 (RFC 6266's `filename*`) and an ASCII stand-in for old
/// clients.
pub fn disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = percent_encode(name);
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// RFC 5987's encoding: every byte but letters, digits and `!#$&+-.^_`|~`
/// as `%XX`.
fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(char::from(byte)),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_labels_not_paths() {
        assert_eq!(file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            file_name("C:\\Users\\a\\отчёт.pdf").as_deref(),
            Some("отчёт.pdf")
        );
        assert_eq!(file_name("a\nb\t c.txt").as_deref(), Some("a b c.txt"));
        assert_eq!(file_name("gpj\u{202e}.exe").as_deref(), Some("gpj.exe"));
        assert_eq!(
            file_name("日本語 العربية 🦀.png").as_deref(),
            Some("日本語 العربية 🦀.png")
        );
        assert_eq!(file_name("  "), None);
        assert_eq!(file_name(".."), None);
        assert_eq!(file_name("dir/"), None);
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = format!("{}.jpeg", "写".repeat(500));
        let name = file_name(&long).unwrap();
        assert_eq!(name.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(name.ends_with("写.jpeg"));
    }

    #[test]
    fn dispositions_carry_any_name() {
        assert_eq!(
            disposition(false, "отчёт \"1\".pdf"),
            "attachment; filename=\"_____ _1_.pdf\"; \
             filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%221%22.pdf"
        );
        assert!(disposition(true, "a.png").starts_with("inline; "));
    }

    proptest! {
        #[test]
        fn any_name_becomes_one_bounded_line(raw in any::<String>()) {
            if let Some(name) = file_name(&raw) {
                prop_assert!(!name.is_empty());
                prop_assert!(name.chars().count() <= MAX_FILE_NAME_CHARS);
                prop_assert!(!name.contains(['/', '\\']));
                prop_assert!(!name.chars().any(|c| c.is_control() || is_format_control(c)));
                prop_assert_eq!(file_name(&name), Some(name.clone()), "stable");
                let header = disposition(false, &name);
                prop_assert!(header.is_ascii());
                prop_assert!(http::HeaderValue::from_str(&header).is_ok());
            }
        }
    }
}
