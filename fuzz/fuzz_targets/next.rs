//! Arbitrary `next` parameters: where to go after signing in is always a
//! plain path on this site, fit for a `Location` header.
#![no_main]

use app::auth::safe_next;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|next: &str| {
    let path = safe_next(Some(next));
    assert!(path.starts_with('/'), "{path:?}");
    assert!(!path.starts_with("//"), "{path:?}");
    assert!(path.bytes().all(|b| (0x20..0x7f).contains(&b)), "{path:?}");
    let site = url::Url::parse("http://banter.invalid/").expect("the site");
    let joined = site.join(&path).expect("a path on the site");
    assert_eq!(joined.origin(), site.origin());
});
