//! What the sample's buttons do not: send a file as a binary message, and close with a code
//! and a reason, refused as the browser would refuse them.

use wasm_ws_yew::{use_websocket_context, Message};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::mdn;

#[function_component]
pub fn Actions() -> Html {
    let connection = use_websocket_context();
    let file = use_node_ref();
    let code = use_node_ref();
    let reason = use_node_ref();
    let outcome = use_state(String::new);

    let send_file = {
        let (connection, file, outcome) = (connection.clone(), file.clone(), outcome.setter());
        Callback::from(move |_: MouseEvent| {
            let chosen = file
                .cast::<HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let Some(chosen) = chosen else {
                return outcome.set("choose a file first".into());
            };
            let size = chosen.size() as u64;
            // A File is a Blob: sent as a binary message, as `send(blob)` does.
            let blob: web_sys::Blob = chosen.into();
            outcome.set(match connection.send(Message::Blob(blob)) {
                Ok(_) => format!("sent {size} bytes as a binary message"),
                Err(error) => format!("not sent: {error}"),
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
