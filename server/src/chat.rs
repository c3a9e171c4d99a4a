//! Chat: messages, channels, conversations and read markers, as the WebSocket
//! and the pages use them. Each operation checks membership against the
//! database, stores, and publishes what other connections need to hear.

mod channels;
mod messages;
mod pages;
mod people;

mod pipeline;

pub use pipeline::Pipeline;
