//! The chat screen: a sidebar of channels and conversations beside the open
//! channel, kept live over one WebSocket per tab.
//!
//! - [`state`]: the reactive store and the rules for merging into it.
//! - [`link`], `socket` (browser only), [`events`], [`outbox`],
//!   [`read_marker`]: talking to the server, applying what it pushes, and
//!   sending messages and read markers.
//! - [`page`], [`sidebar`], [`channel_view`], [`message_list`], [`composer`],
//!   [`dialogs`]: the components.
//! - [`rows`], [`window`], [`time`]: how messages are shown.

pub mod channel_view;
pub mod composer;
mod delete_page;
pub mod dialogs;
pub mod events;
pub mod link;
pub mod link_status;
pub mod members;
pub mod mentions_page;

pub mod message_list;
pub mod outbox;
pub mod page;
pub mod people;

pub mod read_marker;
pub mod rows;
pub mod sidebar;
mod snapshot;
#[cfg(feature = "hydrate")]
mod socket;
pub mod state;
pub mod time;
pub mod window;

pub use composer::{post_message, PostMessage};
pub use delete_page::{delete_message, DeleteMessage, DeletePage, DeleteRoute};
pub use mentions_page::{MentionPage, MentionsRoute};
pub use page::{ChannelRoute, ChatShell};
pub use snapshot::{load_chat, ChatSnapshot, LoadChat, OpenChannel};
