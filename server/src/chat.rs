//! Chat: messages, channels, conversations and read markers, as the WebSocket
//! and the pages use them. Each operation checks membership against the
//! database, stores, and publishes what other connections need to hear.

pub mod blocks;
mod catch_up;
mod changes;
mod channel_settings;
mod channels;
mod groups;
mod mentions;
mod messages;
mod moderation;
mod pages;
mod people;
pub mod search;

mod pipeline;

pub use catch_up::CATCH_UP_LIMIT;
pub use mentions::MENTIONS_PAGE;
pub use pipeline::Pipeline;
