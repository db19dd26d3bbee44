//! What the tabs of a shared connection say to each other (how it crosses a
//! `BroadcastChannel` is `wire.rs`).

use crate::{ConnectionEvent, ConnectionStatus, Message};

/// The relay's own version: a tab only reads messages of the same one (its group's name
/// carries it too). One more when what the tabs say changes.
pub(super) const RELAY_VERSION: u32 = 1;

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
