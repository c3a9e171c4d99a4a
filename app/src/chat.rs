//! The chat screen: a sidebar of channels and conversations beside the open
//! channel, kept live over one WebSocket per tab.
//!
//! - [`state`]: the reactive store and the rules for merging into it.
//! - [`link`], `socket` (browser only), [`events`], [`outbox`],
//!   [`read_marker`]: talking to the server, applying what it pushes, and
//!   sending messages and read markers.
//! - [`page`], [`sidebar`], [`channel_view`], [`message_list`], [`composer`],
//!   [`dialogs`], `notify_setting`: the components.
//! - [`rows`], [`window`], [`time`]: how messages are shown.

mod admin_page;
mod attention;
mod audit_page;
mod channel_settings;
pub mod channel_view;
pub mod composer;
mod delete_page;
pub mod desktop;
pub mod dialogs;
pub mod events;
mod extras;
pub mod link;
pub mod link_status;
mod member_tools;
pub mod members;
pub mod mentions_page;

pub mod message_list;
mod notify_setting;
pub mod outbox;
pub mod page;
pub mod people;

mod blocked_page;
pub mod read_marker;
pub mod rows;
mod search_page;
#[cfg(feature = "ssr")]
pub mod search_results;
mod server_part;
mod sessions_page;
mod settings_page;
pub mod sidebar;
mod snapshot;
#[cfg(feature = "hydrate")]
mod socket;
pub mod state;
pub mod time;
pub mod window;

pub use admin_page::{admin_act, AccountRow, AdminAct, AdminAction, AdminView, ADMIN_PATH};
pub use audit_page::{AuditRow, Audited, AUDIT_PAGE, AUDIT_PATH};
pub use blocked_page::{block_user, unblock_user, BlockUser, UnblockUser, BLOCKED_IDS_PATH};
pub use delete_page::{delete_message, DeleteMessage, DeletePage, DeleteRoute};
pub use mentions_page::{MentionPage, MentionsRoute};
pub use notify_setting::{set_notify, SetNotify};
pub use page::{ChannelRoute, ChatShell};
pub use search_page::{SearchRoute, RESULTS_PATH, SEARCH_PATH};
pub use sessions_page::{end_session, my_sessions, EndSession, MySessions, SessionInfo};
pub use settings_page::SettingsRoute;
pub use snapshot::{load_chat, ChatSnapshot, LoadChat, OpenChannel};
