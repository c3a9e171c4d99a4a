//! The chat screen: a sidebar of channels and conversations beside the open
//! channel.

mod page;
mod sidebar;

pub use page::ChatPage;
