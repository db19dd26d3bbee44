//! One connection for every tab: the page shares its connection with its other tabs (the
//! provider's `share_across_tabs`). This card says which part this tab plays, and how many
//! WebSockets the server holds (its `/healthz`): open the page in two tabs, and it stays one.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_ws_yew::{use_websocket_context, ConnectionStatus, TabRole};
use yew::prelude::*;

/// The server's health check, which counts its open WebSockets.
const HEALTH_PATH: &str = "/healthz";

#[function_component]
pub fn Tabs() -> Html {
    let connection = use_websocket_context();
    let open_on_server = use_state_eq(|| None::<u64>);
    {
        // Counted again whenever this tab's part or the connection's status changes (another
        // tab taking the lead shows here as a status change).
        let open_on_server = open_on_server.setter();
        let counted_at = (connection.role, connection.status.clone());
        use_effect_with(counted_at, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                open_on_server.set(open_connections().await);
            });
        });
    }
    let count_again = {
        let open_on_server = open_on_server.setter();
        Callback::from(move |_: MouseEvent| {
            let open_on_server = open_on_server.clone();
            wasm_bindgen_futures::spawn_local(async move {
                open_on_server.set(open_connections().await);
            });
        })
    };
    let (role, explained) = match connection.role {
        TabRole::Leading => (
            "leading",
            "This tab holds the socket, for itself and the page's other tabs.",
        ),
        TabRole::Following => (
            "following",
            "Another tab of this page holds the socket: this one sends and receives through it (the attributes above are that tab's to show).",
        ),
        _ => (
            "alone",
            "This tab holds a socket of its own: this browser cannot share one (no Web Locks or BroadcastChannel).",
        ),
    };
    let status = match connection.status {
        ConnectionStatus::Open => "open",
        _ => "not open",
    };
    html! {
        <section class="card tabs" aria-label="Tabs">
            <h2>{ "One connection for every tab" }</h2>
            <p>{ "This tab: " }<output id="tab-role">{ role }</output>{ format!(" (the shared connection is {status}). ") }{ explained }</p>
            <p>
                { "WebSockets the server holds: " }
                <output id="server-connections">
                    { open_on_server.map(|count| count.to_string()).unwrap_or_else(|| "?".into()) }
                </output>
                { " " }
                <button type="button" id="count-connections" onclick={count_again}>{ "count again" }</button>
            </p>
        </section>
    }
}

/// The server's count of open WebSockets, from its health check; `None` if it cannot say.
async fn open_connections() -> Option<u64> {
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str(HEALTH_PATH))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    let health = JsFuture::from(response.json().ok()?).await.ok()?;
    let count = js_sys::Reflect::get(&health, &"connections".into()).ok()?;
    count.as_f64().map(|count| count as u64)
}
