//! What the sample's buttons do not: send a file as binary messages of 64 KiB, paced by the network
//! (with a progress bar that follows `bufferedAmount` down), and close with a code and a
//! reason, refused as the browser would refuse them.

use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_ws_yew::{use_websocket_context, Message, ReconnectingWebSocket};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::mdn;

/// The size of each message a file goes out in: the most the server takes in one (64 KiB).
const CHUNK: u64 = 64 * 1024;

#[function_component]
pub fn Actions() -> Html {
    let connection = use_websocket_context();
    let file = use_node_ref();
    let code = use_node_ref();
    let reason = use_node_ref();
    let outcome = use_state(String::new);
    // How much of the file has left the page: handed to the socket, less what still waits in
    // its buffer; and the file's size.
    let progress = use_state_eq(|| (0u64, 0u64));
    let frame = use_mut_ref(|| None::<AnimationFrame>);

    let send_file = {
        let (connection, file, outcome) = (connection.clone(), file.clone(), outcome.setter());
        let (progress, frame) = (progress.setter(), frame.clone());
        Callback::from(move |_: MouseEvent| {
            let chosen = file
                .cast::<HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let Some(chosen) = chosen else {
                return outcome.set("choose a file first".into());
            };
            let Some(live) = connection.connection() else {
                return outcome.set("not connected".into());
            };
            // A File is a Blob: sent in slices, each a binary message, as `send(blob)` sends.
            let blob: web_sys::Blob = chosen.into();
            let (outcome, progress, frame) = (outcome.clone(), progress.clone(), frame.clone());
            yew::platform::spawn_local(async move {
                let size = blob.size() as u64;
                let mut sent = 0;
                watch_progress(live.clone(), sent, size, progress.clone(), frame.clone());
                while sent < size {
                    // Waits while the browser's buffer holds a megabyte (the flow control).
                    live.send_ready().await;
                    let end = (sent + CHUNK).min(size);
                    let slice = blob.slice_with_f64_and_f64(sent as f64, end as f64);
                    let sent_now = slice.map_err(|_| ()).and_then(|slice| {
                        live.send(Message::Blob(slice)).map_err(|error| {
                            outcome.set(format!("not sent: {error}"));
                        })
                    });
                    if sent_now.is_err() {
                        return;
                    }
                    sent = end;
                    watch_progress(live.clone(), sent, size, progress.clone(), frame.clone());
                }
                let messages = size.div_ceil(CHUNK);
                outcome.set(format!("sent {size} bytes as {messages} binary messages"));
            });
        })
    };
    let close = {
        let (connection, outcome) = (connection.clone(), outcome.setter());
        let (code, reason) = (code.clone(), reason.clone());
        Callback::from(move |_: MouseEvent| {
            let code = code
                .cast::<HtmlSelectElement>()
                .and_then(|select| select.value().parse::<u16>().ok())
                .unwrap_or(1000);
            let reason = reason
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            outcome.set(match connection.close_with(code, &reason) {
                Ok(()) => format!("close({code}, \"{reason}\")"),
                // What the browser's close() would throw, by name.
                Err(error) => error.to_string(),
            });
        })
    };
    html! {
        <section class="card actions" aria-label="More">
            <h2>{ "More of the API" }</h2>
            <div class="row">
                <a href={mdn::page("WebSocket/send")}>{ "send(blob)" }</a>
                <input id="file" type="file" ref={file} />
                <button id="send-file" onclick={send_file}>{ "Send the file as binary" }</button>
                <progress id="file-progress" max={progress.1.to_string()} value={progress.0.to_string()}
                    aria-label="sent: handed to the socket, less bufferedAmount" />
            </div>
            <div class="row">
                <a href={mdn::page("WebSocket/close")}>{ "close(code, reason)" }</a>
                <select id="close-code" ref={code} aria-label="code">
                    <option value="1000" selected=true>{ "1000 normal" }</option>
                    <option value="4000">{ "4000 (yours: 3000–4999)" }</option>
                    <option value="1001">{ "1001 (refused: the browser's own)" }</option>
                    <option value="1005">{ "1005 (refused: never sent)" }</option>
                </select>
                <input id="close-reason" ref={reason} placeholder="reason (123 bytes at most)" maxlength="200" />
                <button id="close-with" onclick={close}>{ "Close with code" }</button>
            </div>
            <p id="action-outcome" class="outcome" aria-live="polite">{ (*outcome).clone() }</p>
        </section>
    }
}

/// Shows how much of the file has left: `sent` bytes handed to the socket, less its
/// `bufferedAmount`, at each animation frame until the buffer is empty (it has no event).
fn watch_progress(
    live: ReconnectingWebSocket,
    sent: u64,
    size: u64,
    progress: UseStateSetter<(u64, u64)>,
    frame: std::rc::Rc<std::cell::RefCell<Option<AnimationFrame>>>,
) {
    let waiting = live
        .socket()
        .map_or(0, |socket| u64::from(socket.buffered_amount()));
    progress.set((sent.saturating_sub(waiting), size));
    let next = frame.clone();
    *frame.borrow_mut() = Some(request_animation_frame(move |_| {
        let waiting = live
            .socket()
            .map_or(0, |socket| u64::from(socket.buffered_amount()));
        progress.set((sent.saturating_sub(waiting), size));
        if waiting > 0 {
            watch_progress(live, sent, size, progress, next);
        }
    }));
}
