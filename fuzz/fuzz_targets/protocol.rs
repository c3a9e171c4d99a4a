//! Arbitrary bytes as a WebSocket frame from a client (and, for the
//! browser's side, from the server): decoding never panics, and whatever
//! decodes encodes to something that decodes to the same.
#![no_main]

use app::protocol::{ClientMsg, ServerMsg};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(message) = serde_json::from_slice::<ClientMsg>(bytes) {
        let json = serde_json::to_string(&message).expect("a request encodes");
        let again: ClientMsg = serde_json::from_str(&json).expect("and decodes again");
        assert_eq!(again, message);
        let _ = message.req();
    }
    if let Ok(message) = serde_json::from_slice::<ServerMsg>(bytes) {
        let json = serde_json::to_string(&message).expect("a frame encodes");
        let again: ServerMsg = serde_json::from_str(&json).expect("and decodes again");
        assert_eq!(again, message);
    }
});
