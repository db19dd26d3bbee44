//! The state badge, and what the buttons may do in each state.

use wasm_ws_client::ConnectionStatus;
use yew::AttrValue;

use super::size::seconds;

/// The state badge: the `readyState` name in the plain mode, as the sample page shows it, and
/// the connection's status in the reconnecting mode; and its classes.
pub(super) fn state_label(
    status: &ConnectionStatus,
    reconnecting: bool,
) -> (AttrValue, &'static str) {
    let (name, class): (AttrValue, _) = match status {
        ConnectionStatus::Open => ("OPEN".into(), "wsc-state wsc-state-open"),
        ConnectionStatus::Connecting { attempt: 0 } => {
            ("CONNECTING".into(), "wsc-state wsc-state-connecting")
        }
        ConnectionStatus::Connecting { attempt } => (
            format!("CONNECTING (attempt {attempt})").into(),
            "wsc-state wsc-state-connecting",
        ),
        ConnectionStatus::Closing => ("CLOSING".into(), "wsc-state wsc-state-closing"),
        ConnectionStatus::Reconnecting { attempt, delay } if reconnecting => (
            format!("RECONNECTING (attempt {attempt} in {})", seconds(*delay)).into(),
            "wsc-state wsc-state-reconnecting",
        ),
        ConnectionStatus::GaveUp { .. } if reconnecting => {
            ("GAVE UP".into(), "wsc-state wsc-state-closed")
        }
        ConnectionStatus::Offline if reconnecting => {
            ("OFFLINE".into(), "wsc-state wsc-state-reconnecting")
        }
        _ => ("CLOSED".into(), "wsc-state wsc-state-closed"),
    };
    (name, class)
}

/// Whether "send" is enabled: in the reconnecting mode while the connection is not stopped or
/// closing (what is sent then is queued), otherwise only while open.
pub(super) fn can_send(status: &ConnectionStatus, reconnecting: bool) -> bool {
    if reconnecting {
        !status.is_stopped() && !matches!(status, ConnectionStatus::Closing)
    } else {
        matches!(status, ConnectionStatus::Open)
    }
}

/// Whether "close connection" is enabled in the plain mode: while connecting or open.
pub(super) fn is_live(status: &ConnectionStatus) -> bool {
    matches!(
        status,
        ConnectionStatus::Connecting { .. } | ConnectionStatus::Open
    )
}
