//! Arbitrary text through every parser of names, topics and messages, and
//! the text helpers that measure, cut or read mentions in it: none panics,
//! and what a parser accepts parses again to itself.
#![no_main]

use app::{
    chat::{people::typing_line, rows::initials},
    format::{pieces, typed_mention, Piece},
    model::{ChannelName, MessageText, Password, Topic, Username},
    text::{excerpt, is_forbidden_control, normalise_newlines},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| {
    if let Ok(text) = MessageText::parse(raw) {
        assert!(!text.as_str().chars().any(is_forbidden_control));
        assert!(text.as_str().chars().count() <= MessageText::MAX);
        assert_eq!(MessageText::parse(text.as_str()), Ok(text.clone()));
    }
    if let Ok(name) = ChannelName::parse(raw) {
        assert_eq!(ChannelName::parse(name.as_str()), Ok(name.clone()));
    }
    if let Ok(topic) = Topic::parse(raw) {
        assert!(topic.as_str().chars().count() <= Topic::MAX);
        assert_eq!(Topic::parse(topic.as_str()), Ok(topic.clone()));
    }
    if let Ok(name) = Username::parse(raw) {
        assert!(name.as_str().len() <= Username::MAX);
        assert_eq!(Username::parse(name.as_str()), Ok(name.clone()));
    }
    let _ = Password::parse(raw.to_owned());
    assert!(!normalise_newlines(raw).contains('\r'));
    let short = excerpt(raw, 40);
    assert!(short.chars().count() <= 41 && !short.contains('\n'));
    assert!(initials(raw).chars().count() <= 6);
    let names: Vec<String> = raw.split(',').map(str::to_owned).take(5).collect();
    let _ = typing_line(&names);
    // Mentions: the pieces are the text (`@HERE` read as `@here`), and the
    // mention being typed at any caret lies inside it.
    let joined: String = pieces(raw)
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => (*text).to_owned(),
            Piece::Mention(who) => who.typed(),
        })
        .collect();
    assert_eq!(joined.to_lowercase(), raw.to_lowercase());
    for caret in [0, raw.len() / 2, raw.len()] {
        if let Some((at, query)) = typed_mention(raw, caret) {
            assert_eq!(raw.get(at..at + 1), Some("@"));
            assert_eq!(raw.get(at + 1..caret), Some(query));
        }
    }
});
