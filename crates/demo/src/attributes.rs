//! The socket's attributes, live: what the tutorial's table lists, as the browser reports it
//! right now for the socket the page holds.

use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_ws_yew::{
    use_websocket_context, use_websocket_events, BinaryType, ConnectionEvent, ReadyState, WebSocket,
};
use yew::prelude::*;

use crate::mdn;

#[derive(Properties, PartialEq)]
pub struct AttributesProps {
    /// The `binaryType` chosen.
    pub binary_type: BinaryType,
    /// Called when another one is chosen.
    pub on_binary_type: Callback<BinaryType>,
}

/// The four `readyState` values, each with its constant's name.
const STATES: [ReadyState; 4] = [
    ReadyState::Connecting,
    ReadyState::Open,
    ReadyState::Closing,
    ReadyState::Closed,
];

#[function_component]
pub fn Attributes(props: &AttributesProps) -> Html {
    let connection = use_websocket_context();
    // The page's socket: the connection's current one, or the last one once closed (as the
    // tutorial's `ws` variable still holds the closed socket).
    let last = use_mut_ref(|| None::<WebSocket>);
    let current = {
        let last = last.clone();
        move |connection: &wasm_ws_yew::UseReconnectingWebSocketHandle| {
            if let Some(socket) = connection.socket() {
                *last.borrow_mut() = Some(socket);
            }
            last.borrow().clone()
        }
    };
    let socket = current(&connection);
    // Every readyState the page saw, in order: the lifecycle, as the tutorial draws it.
    let seen = use_mut_ref(Vec::<ReadyState>::new);
    let redraw = use_force_update();
    let buffered = use_state_eq(|| 0u32);
    let after_send = use_state_eq(|| 0u32);
    let frame = use_mut_ref(|| None::<AnimationFrame>);

    let record = {
        let seen = seen.clone();
        move |socket: Option<WebSocket>| {
            // Before the first socket there is no readyState to see.
            let Some(state) = socket.map(|socket| socket.ready_state()) else {
                return false;
            };
            let mut seen = seen.borrow_mut();
            let changed = seen.last() != Some(&state);
            if changed {
                seen.push(state);
            }
            changed
        }
    };
    // A render (a status change: CLOSING after "close") may show a new state too.
    record(socket.clone());
    {
        let (connection, buffered, after_send, redraw) = (
            connection.clone(),
            buffered.setter(),
            after_send.setter(),
            redraw.clone(),
        );
        use_websocket_events(Callback::from(move |event: ConnectionEvent| {
            let socket = current(&connection);
            if let (ConnectionEvent::Sent(_), Some(socket)) = (&event, &socket) {
                // Read in the task that sent: the standard grows it synchronously.
                let amount = socket.buffered_amount();
                after_send.set(amount);
                buffered.set(amount);
                watch_buffered(socket.clone(), buffered.clone(), frame.clone());
            }
            if record(socket) {
                redraw.force_update();
            }
        }));
    }

    let chosen = props.binary_type;
    let on_change = {
        let (on_binary_type, connection) = (props.on_binary_type.clone(), connection.clone());
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let chosen = match select.value().as_str() {
                "arraybuffer" => BinaryType::ArrayBuffer,
                _ => BinaryType::Blob,
            };
            // `socket.binaryType = ...` on the live socket, as the tutorial does; the provider
            // takes it too, for the sockets to come.
            if let Some(socket) = connection.socket() {
                socket.set_binary_type(chosen);
            }
            on_binary_type.emit(chosen);
        })
    };
    let state = socket.as_ref().map(WebSocket::ready_state);
    let text = |read: fn(&WebSocket) -> String| socket.as_ref().map(read).unwrap_or_default();
    let history = seen
        .borrow()
        .iter()
        .map(|state| named(*state))
        .collect::<Vec<_>>()
        .join(" → ");
    // `aria-current` marks the state the socket is in (and styles it): no class set to build.
    let states = STATES.map(|s| {
        let current = (Some(s) == state).then_some("true");
        html! { <li aria-current={current}>{ named(s) }</li> }
    });
    let binary_type = socket.as_ref().map(|s| s.binary_type().as_str());
    let rows = [
        row(
            "readyState",
            html! {
                <>
                    <output id="ready-state">{ state.map_or("no socket yet".into(), named) }</output>
                    <ol class="states">{ for states }</ol>
                    <small>{ "seen: " }<span id="ready-state-history">{ history }</span></small>
                </>
            },
        ),
        row(
            "bufferedAmount",
            html! {
                <>
                    <output id="buffered-amount">{ *buffered }</output>
                    <small>{ " bytes; just after the last send(): " }<span id="buffered-after-send">{ *after_send }</span></small>
                </>
            },
        ),
        row(
            "binaryType",
            html! {
                <>
                    <select id="binary-type" onchange={on_change}>
                        <option value="blob" selected={chosen == BinaryType::Blob}>{ "blob" }</option>
                        <option value="arraybuffer" selected={chosen == BinaryType::ArrayBuffer}>{ "arraybuffer" }</option>
                    </select>
                    <output id="binary-type-now">{ binary_type.unwrap_or_default() }</output>
                </>
            },
        ),
        row("protocol", output("protocol", text(WebSocket::protocol))),
        row(
            "extensions",
            output("extensions", text(WebSocket::extensions)),
        ),
        row("url", output("url", text(WebSocket::url))),
    ];
    html! {
        <section class="card attributes" aria-label="Attributes">
            <h2>{ "Attributes" }</h2>
            <dl>{ for rows }</dl>
        </section>
    }
}

/// `1 OPEN`: a `readyState` as the number the browser reports and its constant's name.
fn named(state: ReadyState) -> String {
    let mut text = (state as u16).to_string();
    text.push(' ');
    text.push_str(state.name());
    text
}

/// One attribute: its name, linked to its MDN page, and what it is now.
fn row(name: &'static str, value: Html) -> Html {
    html! {
        <>
            <dt><a href={mdn::page(&(String::from("WebSocket/") + name))}>{ name }</a></dt>
            <dd>{ value }</dd>
        </>
    }
}

/// A plain value, in an `<output>` with this id.
fn output(id: &'static str, value: String) -> Html {
    html! { <output {id}>{ value }</output> }
}

/// Shows `bufferedAmount` at each animation frame until it is back to 0: it falls as the
/// browser hands the data to the network, with no event to say so.
fn watch_buffered(
    socket: WebSocket,
    buffered: UseStateSetter<u32>,
    frame: std::rc::Rc<std::cell::RefCell<Option<AnimationFrame>>>,
) {
    let next = frame.clone();
    *frame.borrow_mut() = Some(request_animation_frame(move |_| {
        let amount = socket.buffered_amount();
        buffered.set(amount);
        if amount > 0 {
            watch_buffered(socket, buffered, next);
        }
    }));
}
