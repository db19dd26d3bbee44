//! `use_reconnecting_websocket`: a [`ReconnectingWebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws_client::{
    reconnecting::Subscription, validate_protocols, ConnectionEvent, ConnectionStatus, Error,
    ReconnectOptions, ReconnectingWebSocket, TabRole,
};
use yew::prelude::*;

use super::use_wanted::use_wanted;
use crate::{
    handles::reconnecting::{UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions},
    url::{self, LatestUrl, WebSocketUrl},
};

/// Keeps a connection to `url` (relative URLs resolve against the page; or a function called
/// at each attempt, see [`WebSocketUrl`]) that reconnects by itself and queues what is sent
/// while it is away; closed when the component unmounts.
///
/// ```no_run
/// use wasm_ws_yew::{use_reconnecting_websocket, ConnectionStatus, Message, UseReconnectingWebSocketOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Feed() -> Html {
///     let last = use_state(String::new);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |message: Message| {
///             if let Message::Text(text) = message {
///                 last.set(text);
///             }
///         })
///     };
///     let feed = use_reconnecting_websocket(
///         "/websocket/test",
///         UseReconnectingWebSocketOptions { on_message: Some(on_message), ..Default::default() },
///     );
///     let status = match &feed.status {
///         ConnectionStatus::Open => "live".to_string(),
///         ConnectionStatus::Reconnecting { attempt, .. } => format!("reconnecting (attempt {attempt})"),
///         other => format!("{other:?}"),
///     };
///     html! { <p>{ status } { " " } { &*last } { format!(" ({} queued)", feed.queued_len) }</p> }
/// }
/// ```
#[hook]
pub fn use_reconnecting_websocket(
    url: impl Into<WebSocketUrl>,
    options: UseReconnectingWebSocketOptions,
) -> UseReconnectingWebSocketHandle {
    let url = url.into();
    let enabled = options.enabled;
    // What the handle shows, in one reducer: one hook's code in every app rather than five.
    // A state equal to the last does not re-render (use_reducer_eq).
    let shown = use_reducer_eq(move || Shown {
        status: if enabled {
            ConnectionStatus::Connecting { attempt: 0 }
        } else {
            ConnectionStatus::Closed
        },
        queued_len: 0,
        unacknowledged_len: 0,
        role: TabRole::Alone,
        unusable: None,
    });
    let wanted = use_wanted(enabled);
    // What the hook keeps from render to render, in one hook (see `Kept`).
    let kept = use_mut_ref(|| Kept {
        connection: Rc::default(),
        latest_url: Rc::new(RefCell::new(url.clone())),
        latest: Rc::default(),
        listening: None,
    });
    let (connection, latest_url, latest) = {
        let kept = kept.borrow();
        (
            kept.connection.clone(),
            kept.latest_url.clone(),
            kept.latest.clone(),
        )
    };
    let reconnect = options.reconnect.clone();
    let protocols = reconnect.protocols.clone();
    let share_across_tabs = options.share_across_tabs.clone();
    // Read at each attempt and event, so the newest URL function and callbacks are the ones
    // called.
    *latest_url.borrow_mut() = url.clone();
    *latest.borrow_mut() = options;

    if wanted.wanted && connection.borrow().is_none() {
        // Made here, in the render, so that a child's first effect (which runs before this
        // hook's) can send to it; nothing in it calls the browser until it is told where to
        // connect. Protocols that cannot be used are the connect effect's to report.
        let usable = ReconnectOptions {
            protocols: valid_or_none(&protocols),
            ..reconnect.clone()
        };
        if let Ok(made) = ReconnectingWebSocket::new(usable) {
            share_across_tabs.apply(&made);
            kept.borrow_mut().listening = Some(watch(&made, latest.clone(), shown.dispatcher()));
            *connection.borrow_mut() = Some(made);
        }
    }
    {
        // Every other option goes to the live connection as it is, without reconnecting
        // (protocols that cannot be used stay out: the connect effect reports them).
        let connection = connection.clone();
        use_effect_with(reconnect, move |reconnect| {
            if let Some(connection) = connection.borrow().as_ref() {
                let protocols = match validate_protocols(&reconnect.protocols) {
                    Ok(()) => reconnect.protocols.clone(),
                    Err(_) => connection.options().protocols,
                };
                let _ = connection.set_options(ReconnectOptions {
                    protocols,
                    ..reconnect.clone()
                });
            }
        });
    }
    {
        let (show, connection) = (shown.dispatcher(), connection.clone());
        use_effect_with(
            (url.key(), protocols, *wanted),
            move |(_, protocols, wanted)| {
                let held = connection.borrow().clone();
                match (wanted.wanted, held) {
                    (true, Some(held)) => {
                        // The first attempt, or a new one at a new URL or with new protocols.
                        let connected = validate_protocols(protocols)
                            .and_then(|()| url::connect(&latest_url, &held));
                        if let Err(error) = &connected {
                            // Nothing more goes to the old URL, or with the old protocols.
                            held.close();
                            show.dispatch(Show::Unusable(Some(error.clone())));
                        } else {
                            show.dispatch(Show::Unusable(None));
                        }
                    }
                    (false, Some(held)) => held.close(),
                    (_, None) => show.dispatch(Show::Status(ConnectionStatus::Closed)),
                }
            },
        );
    }
    let held = connection.borrow().clone();
    UseReconnectingWebSocketHandle {
        status: match &shown.unusable {
            Some(error) => ConnectionStatus::Failed(error.clone()),
            None => shown.status.clone(),
        },
        queued_len: shown.queued_len,
        unacknowledged_len: shown.unacknowledged_len,
        role: shown.role,
        unusable: shown.unusable.is_some(),
        held,
        connection,
        ask: wanted.dispatcher(),
    }
}

/// `protocols` if the browser would take them, or none: a connection is made either way, and
/// the invalid ones are reported when it would connect with them.
fn valid_or_none(protocols: &[String]) -> Vec<String> {
    match validate_protocols(protocols) {
        Ok(()) => protocols.to_vec(),
        Err(_) => Vec::new(),
    }
}

/// What the hook keeps from render to render, made on the first: one `use_mut_ref`, where one
/// each would cost one more hook's code in every app. Dropped when the component unmounts,
/// it closes the connection then, even if someone still holds a clone of it, and the unmounted
/// component hears nothing more (a guard, where an effect's cleanup would cost one more
/// effect's code).
struct Kept {
    /// The connection, shared with the handle.
    connection: Rc<RefCell<Option<ReconnectingWebSocket>>>,
    /// The URL of the latest render.
    latest_url: LatestUrl,
    /// The options of the latest render, with their callbacks.
    latest: Rc<RefCell<UseReconnectingWebSocketOptions>>,
    /// The handle's subscription to the connection's events.
    listening: Option<Subscription>,
}

impl Drop for Kept {
    fn drop(&mut self) {
        self.listening.take();
        if let Some(connection) = self.connection.borrow_mut().take() {
            connection.close();
        }
    }
}

/// What the handle shows as state: the status, the two lengths, the tab's role, and why the
/// URL or the protocols given cannot be used, until they change (the status then says
/// `Failed`, whatever the closed connection's own says).
#[derive(Clone, PartialEq)]
struct Shown {
    status: ConnectionStatus,
    queued_len: usize,
    unacknowledged_len: usize,
    role: TabRole,
    unusable: Option<Error>,
}

/// A change of what the handle shows.
enum Show {
    Status(ConnectionStatus),
    Backlog {
        queued: usize,
        unacknowledged: usize,
    },
    Role(TabRole),
    Unusable(Option<Error>),
}

impl Reducible for Shown {
    type Action = Show;

    fn reduce(self: Rc<Self>, change: Show) -> Rc<Self> {
        // Cloned whole, changed or not: use_reducer_eq compares it with the last.
        let mut next = (*self).clone();
        match change {
            Show::Status(status) => next.status = status,
            Show::Backlog {
                queued,
                unacknowledged,
            } => {
                next.queued_len = queued;
                next.unacknowledged_len = unacknowledged;
            }
            Show::Role(role) => next.role = role,
            Show::Unusable(unusable) => next.unusable = unusable,
        }
        Rc::new(next)
    }
}

/// Follows the connection's events: the status at each, the lengths as its backlog events say,
/// the role as its role events say; and passes them on to the newest callbacks.
fn watch(
    connection: &ReconnectingWebSocket,
    latest: Rc<RefCell<UseReconnectingWebSocketOptions>>,
    show: UseReducerDispatcher<Shown>,
) -> Subscription {
    let weak = connection.downgrade();
    connection.subscribe(move |event| {
        if let ConnectionEvent::Backlog {
            queued,
            unacknowledged,
        } = event
        {
            show.dispatch(Show::Backlog {
                queued,
                unacknowledged,
            });
        } else if let ConnectionEvent::Role(role) = event {
            show.dispatch(Show::Role(role));
        } else if let Some(connection) = weak.upgrade() {
            show.dispatch(Show::Status(connection.status()));
        }
        let (on_message, on_event) = {
            let latest = latest.borrow();
            (latest.on_message.clone(), latest.on_event.clone())
        };
        if let (Some(on_message), ConnectionEvent::Message(message)) = (&on_message, &event) {
            on_message.emit(message.clone());
        }
        if let Some(on_event) = on_event {
            on_event.emit(event);
        }
    })
}
