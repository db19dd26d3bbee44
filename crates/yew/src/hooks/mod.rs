pub mod use_reconnecting_websocket;
pub mod use_websocket;
