//! What the tabs of a shared connection say to each other (how it crosses a
//! `BroadcastChannel` is `wire.rs`).

use crate::{ConnectionEvent, ConnectionStatus, Message};

/// The relay's own version: a tab only reads messages of the same one (its group's name
/// carries it too). One more when what the tabs say changes, or how (2: a status in an object
/// of its own, whose fields an event's can no longer overwrite).
pub(super) const RELAY_VERSION: u32 = 2;

/// What one tab says to the others.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Said {
    /// A tab took the lead (it holds the lock, and the socket).
    Leader,
    /// A following tab asks where the shared connection stands.
    Join,
    /// The leader, to a join: where the shared connection stands.
    Stands(ConnectionStatus),
    /// The leader: an event of the shared connection (not a message), and where the
    /// connection stands after it.
    Event(ConnectionEvent, ConnectionStatus),
    /// The leader: a message arrived on the shared socket.
    Message(Message),
    /// A following tab: send this on the shared socket.
    Send(Message),
    /// The leader, to the following tab `to`: one of its messages, of `bytes`, is on the
    /// wire (that tab's relay socket counts it in its buffer until then).
    Taken { to: u64, bytes: usize },
}

/// One relayed message: who said it, and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Relayed {
    pub(super) from: u64,
    pub(super) said: Said,
}

/// Whether the leader relays `event` as [`Said::Event`]: the shared connection's own
/// lifecycle, which each follower mirrors. (Messages go as [`Said::Message`]; what is about
/// this tab's sends or this tab's role stays in it.)
pub(super) fn is_relayed(event: &ConnectionEvent) -> bool {
    matches!(
        event,
        ConnectionEvent::Connecting { .. }
            | ConnectionEvent::Open
            | ConnectionEvent::Error
            | ConnectionEvent::Closed(_)
            | ConnectionEvent::Reconnecting { .. }
            | ConnectionEvent::GaveUp { .. }
            | ConnectionEvent::Offline
            | ConnectionEvent::Failed(_)
    )
}

/// The event that tells a change to `status`; `None` for the two that no event announces by
/// itself (idle, and closed, whose event carries the close).
pub(super) fn event_of(status: &ConnectionStatus) -> Option<ConnectionEvent> {
    Some(match status {
        ConnectionStatus::Connecting { attempt } => {
            ConnectionEvent::Connecting { attempt: *attempt }
        }
        ConnectionStatus::Open => ConnectionEvent::Open,
        ConnectionStatus::Reconnecting { attempt, delay } => ConnectionEvent::Reconnecting {
            attempt: *attempt,
            delay: *delay,
        },
        ConnectionStatus::GaveUp { attempts } => ConnectionEvent::GaveUp {
            attempts: *attempts,
        },
        ConnectionStatus::Failed(error) => ConnectionEvent::Failed(error.clone()),
        ConnectionStatus::Offline => ConnectionEvent::Offline,
        ConnectionStatus::Closing => ConnectionEvent::Closing,
        // Every status by name: one added fails to compile here until the wire says it.
        ConnectionStatus::Idle | ConnectionStatus::Closed => return None,
    })
}

/// Where the connection stands after `event`, for the events that tell a status
/// ([`event_of`] the other way); `None` for the others. (The wire reads a status this way.)
#[cfg(target_arch = "wasm32")]
pub(super) fn status_after(event: ConnectionEvent) -> Option<ConnectionStatus> {
    Some(match event {
        ConnectionEvent::Connecting { attempt } => ConnectionStatus::Connecting { attempt },
        ConnectionEvent::Open => ConnectionStatus::Open,
        ConnectionEvent::Reconnecting { attempt, delay } => {
            ConnectionStatus::Reconnecting { attempt, delay }
        }
        ConnectionEvent::GaveUp { attempts } => ConnectionStatus::GaveUp { attempts },
        ConnectionEvent::Failed(error) => ConnectionStatus::Failed(error),
        ConnectionEvent::Offline => ConnectionStatus::Offline,
        ConnectionEvent::Closing => ConnectionStatus::Closing,
        _ => return None,
    })
}
