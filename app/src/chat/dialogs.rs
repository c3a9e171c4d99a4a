//! The sidebar's dialogs: new channel, browse channels, new message. Each is
//! a real modal `<dialog>`: it traps focus, Escape closes it, and focus goes
//! back to the button that opened it.

mod browse;
mod modal;
mod new_channel;
mod new_message;
mod search;

pub use browse::BrowseChannelsDialog;
pub use new_channel::NewChannelDialog;
pub use new_message::NewMessageDialog;
