//! The hooks, one per file.

#[cfg(feature = "json")]
pub mod use_json_websocket;
#[cfg(feature = "json")]
pub mod use_json_websocket_context;
mod use_latest;
pub mod use_message_history;
pub mod use_reconnecting_websocket;
mod use_wanted;
pub mod use_websocket;
pub mod use_websocket_context;
pub mod use_websocket_events;
pub mod use_websocket_subscription;
