//! The chat screen: a sidebar of channels and conversations beside the open
//! channel.

mod page;
mod sidebar;
mod snapshot;

pub use page::ChatPage;
pub use snapshot::{load_chat, ChatSnapshot, LoadChat, OpenChannel};
