pub mod use_websocket;
