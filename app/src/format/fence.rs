//! Whether text being written is inside a code block: Enter then starts a
//! new line rather than sending, until the fence is closed.

/// Whether `text` ends inside a fenced code block (a line of three or more
/// backticks or tildes, not yet closed by a line of at least as many of
/// the same). Follows CommonMark's fences closely enough for typing.
pub fn in_open_fence(text: &str) -> bool {
    let mut open: Option<(char, usize)> = None;
    for line in text.lines() {
        let line = line.trim_start_matches(' ');
        let Some(first) = line.chars().next().filter(|c| matches!(c, '`' | '~')) else {
            continue;
        };
        let run = line.chars().take_while(|&c| c == first).count();
        if run < 3 {
            continue;
        }
        open = match open {
            None => Some((first, run)),
            Some((fence, length)) => {
                let rest = line.trim_start_matches(first);
                if first == fence && run >= length && rest.trim().is_empty() {
                    None
                } else {
                    Some((fence, length))
                }
            }
        };
    }
    open.is_some()
}

#[cfg(test)]
mod tests {
    use super::in_open_fence;
    use proptest::prelude::*;

    #[test]
    fn open_until_closed_by_a_like_fence() {
        for (text, open) in [
            ("hello", false),
            ("```", true),
            ("```rust\nfn main() {}", true),
            ("```rust\nfn main() {}\n```", false),
            ("~~~\n日本語\n```", true),
            ("````\nx\n```", true),
            ("````\nx\n`````", false),
            ("``` not closed by text after\n``` x", true),
            ("`inline` code", false),
            ("Привет ``` 🦀", false),
        ] {
            assert_eq!(in_open_fence(text), open, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "[`~ \\na-zé日🦀]{0,64}") {
            let _ = in_open_fence(&text);
        }
    }
}
