//! WebSocket endpoints, one module each.

pub mod sample;
