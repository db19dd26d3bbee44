#!/usr/bin/env bash
# Packages wasm-ws-client, wasm-ws-yew and wasm-ws-server as `cargo publish` would (each verified by a
# build of the packaged sources), then builds a fresh Yew app in a temporary directory outside
# the workspace that depends on the two browser crates by version, resolved to the packaged
# `.crate` files through `[patch.crates-io]`: what an outside user's app would compile.
# Run by scripts/test.sh; by hand: tests/packaging/outside-app.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
version=$(cargo metadata --format-version 1 --no-deps |
  node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(m.packages.find(p=>p.name==="wasm-ws-client").version)')

# cargo verifies each package against the others through a temporary local registry, and takes
# what comes from a registry as never changing at a given version: drop what an earlier run
# unpacked and built from there, or it would be used again. The verification builds go to a
# target directory of their own, where everything named wasm-ws is such a build.
export CARGO_TARGET_DIR=target/packaging
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/wasm-ws-*
rm -rf "$CARGO_TARGET_DIR"/debug/.fingerprint/wasm-ws-* "$CARGO_TARGET_DIR"/debug/deps/*wasm_ws*
cargo package -q -p wasm-ws-client -p wasm-ws-yew -p wasm-ws-server --allow-dirty

app=$(mktemp -d)
trap 'rm -rf "$app"' EXIT
mkdir -p "$app/packages" "$app/src"
for crate in wasm-ws-client wasm-ws-yew; do
  tar -xzf "$CARGO_TARGET_DIR/package/$crate-$version.crate" -C "$app/packages"
done
cat >"$app/Cargo.toml" <<TOML
[package]
name = "outside-app"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
wasm-ws-client = "$version"
wasm-ws-yew = "$version"
yew = { version = "0.23", features = ["csr"] }

[patch.crates-io]
wasm-ws-client = { path = "packages/wasm-ws-client-$version" }
wasm-ws-yew = { path = "packages/wasm-ws-yew-$version" }
TOML
cat >"$app/src/main.rs" <<'RUST'
//! An app outside the workspace, on the public API only: what the README tells a user to write.
use std::time::Duration;

use wasm_ws_client::{ConnectionEvent, Heartbeat, ReconnectOptions, ReconnectingWebSocket};
use wasm_ws_yew::{
    use_reconnecting_websocket, ConnectionStatus, Message, UseReconnectingWebSocketOptions,
    WebSocketConsole, WebSocketProvider,
};
use yew::prelude::*;

#[function_component]
fn Status() -> Html {
    // Built inline at every render, closures included: it does not reconnect.
    let options = UseReconnectingWebSocketOptions {
        reconnect: ReconnectOptions {
            heartbeat: Some(Heartbeat::ping_pong(Duration::from_secs(15), Duration::from_secs(5))),
            hello: Some(std::rc::Rc::new(|| vec![Message::from("join")])),
            ..Default::default()
        },
        ..Default::default()
    };
    let connection = use_reconnecting_websocket("/websocket/test", options);
    let label = match &connection.status {
        ConnectionStatus::Open => "open",
        ConnectionStatus::Reconnecting { .. } => "reconnecting",
        _ => "other", // #[non_exhaustive]
    };
    let open = connection.status.is_open();
    let send = Callback::from(move |_: MouseEvent| {
        let _ = connection.send(Message::from("hello"));
    });
    html! { <button onclick={send} disabled={!open}>{ label }</button> }
}

#[function_component]
fn App() -> Html {
    html! {
        <>
            <Status />
            <WebSocketProvider url="/websocket/test"><WebSocketConsole /></WebSocketProvider>
        </>
    }
}

fn main() {
    // The client crate on its own, outside Yew.
    if let Ok(connection) = ReconnectingWebSocket::open("/websocket/test", ReconnectOptions::default()) {
        connection.on_event(|event| match event {
            ConnectionEvent::Message(message) => drop(message),
            _ => {}
        });
        std::mem::forget(connection);
    }
    yew::Renderer::<App>::new().render();
}
RUST
# The workspace's lock file keeps every other dependency at the version tested here.
cp Cargo.lock "$app/Cargo.lock"
(cd "$app" && CARGO_TARGET_DIR="$root/target/outside-app" cargo build -q --target wasm32-unknown-unknown)
echo "outside app built against the packaged wasm-ws-client $version and wasm-ws-yew $version"
