//! The hooks, one per file.

mod use_enabled_changes;
#[cfg(feature = "json")]
pub mod use_json_websocket;
#[cfg(feature = "json")]
pub mod use_json_websocket_context;
mod use_latest;
pub mod use_message_history;
pub mod use_reconnecting_websocket;
pub mod use_websocket;
pub mod use_websocket_context;
pub mod use_websocket_subscription;
