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
        .map(|state| format!("{} {}", *state as u16, state.name()))
        .collect::<Vec<_>>()
        .join(" → ");
    html! {
        <section class="card attributes" aria-label="Attributes">
            <h2>{ "Attributes" }</h2>
            <dl>
                <dt><a href={mdn::page("WebSocket/readyState")}>{ "readyState" }</a></dt>
                <dd>
                    <output id="ready-state">{ state.map_or("no socket yet".into(), |s| format!("{} {}", s as u16, s.name())) }</output>
                    <ol class="states">
                        { for STATES.iter().map(|s| html! {
                            <li class={classes!((Some(*s) == state).then_some("current"))}>
                                { format!("{} {}", *s as u16, s.name()) }
                            </li>
                        }) }
                    </ol>
                    <small>{ "seen: " }<span id="ready-state-history">{ history }</span></small>
                </dd>
                <dt><a href={mdn::page("WebSocket/bufferedAmount")}>{ "bufferedAmount" }</a></dt>
                <dd>
                    <output id="buffered-amount">{ *buffered }</output>
                    <small>{ " bytes; just after the last send(): " }<span id="buffered-after-send">{ *after_send }</span></small>
                </dd>
                <dt><a href={mdn::page("WebSocket/binaryType")}>{ "binaryType" }</a></dt>
                <dd>
                    <select id="binary-type" onchange={on_change}>
                        <option value="blob" selected={chosen == BinaryType::Blob}>{ "blob" }</option>
                        <option value="arraybuffer" selected={chosen == BinaryType::ArrayBuffer}>{ "arraybuffer" }</option>
                    </select>
                    <output id="binary-type-now">{ socket.as_ref().map(|s| s.binary_type().as_str()).unwrap_or_default() }</output>
                </dd>
                <dt><a href={mdn::page("WebSocket/protocol")}>{ "protocol" }</a></dt>
                <dd><output id="protocol">{ text(WebSocket::protocol) }</output></dd>
                <dt><a href={mdn::page("WebSocket/extensions")}>{ "extensions" }</a></dt>
                <dd><output id="extensions">{ text(WebSocket::extensions) }</output></dd>
                <dt><a href={mdn::page("WebSocket/url")}>{ "url" }</a></dt>
                <dd><output id="url">{ text(WebSocket::url) }</output></dd>
            </dl>
        </section>
    }
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
