//! The four connection states of `WebSocket.readyState`.

use std::fmt;

/// The state of the connection, with the numeric values of the JS constants.
///
/// ```
/// use wasm_ws_client::ReadyState;
/// assert_eq!(ReadyState::Open as u16, 1);
/// assert_eq!(ReadyState::from_u16(3), Some(ReadyState::Closed));
/// assert_eq!(ReadyState::Closing.to_string(), "CLOSING");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ReadyState {
    /// `WebSocket.CONNECTING` (0): the handshake is under way.
    Connecting = 0,
    /// `WebSocket.OPEN` (1): messages can be sent and received.
    Open = 1,
    /// `WebSocket.CLOSING` (2): the closing handshake has started.
    Closing = 2,
    /// `WebSocket.CLOSED` (3): the connection is closed or could not be opened.
    Closed = 3,
}

impl ReadyState {
    /// The state for a `readyState` number, or `None` for a value no browser reports.
    pub const fn from_u16(value: u16) -> Option<Self> {
        match value {
            0 => Some(Self::Connecting),
            1 => Some(Self::Open),
            2 => Some(Self::Closing),
            3 => Some(Self::Closed),
            _ => None,
        }
    }

    /// The name of the JS constant: `"CONNECTING"`, `"OPEN"`, `"CLOSING"` or `"CLOSED"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Connecting => "CONNECTING",
            Self::Open => "OPEN",
            Self::Closing => "CLOSING",
            Self::Closed => "CLOSED",
        }
    }
}

impl fmt::Display for ReadyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
