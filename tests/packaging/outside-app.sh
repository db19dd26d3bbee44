#!/usr/bin/env bash
# Packages wasm-ws, wasm-ws-yew and wasm-ws-server as `cargo publish` would (each verified by a
# build of the packaged sources), then builds a fresh Yew app in a temporary directory outside
# the workspace that depends on the two browser crates by version, resolved to the packaged
# `.crate` files through `[patch.crates-io]`: what an outside user's app would compile.
# Run by scripts/test.sh; by hand: tests/packaging/outside-app.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
version=$(cargo metadata --format-version 1 --no-deps |
  node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(m.packages.find(p=>p.name==="wasm-ws").version)')

# cargo verifies each package against the others through a temporary local registry, and takes
# what comes from a registry as never changing at a given version: drop what an earlier run
# unpacked and built from there, or it would be used again. The verification builds go to a
# target directory of their own, where everything named wasm-ws is such a build.
export CARGO_TARGET_DIR=target/packaging
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/wasm-ws-*
rm -rf "$CARGO_TARGET_DIR"/debug/.fingerprint/wasm-ws-* "$CARGO_TARGET_DIR"/debug/deps/*wasm_ws*
cargo package -q -p wasm-ws -p wasm-ws-yew -p wasm-ws-server --allow-dirty

app=$(mktemp -d)
trap 'rm -rf "$app"' EXIT
mkdir -p "$app/packages" "$app/src"
for crate in wasm-ws wasm-ws-yew; do
  tar -xzf "$CARGO_TARGET_DIR/package/$crate-$version.crate" -C "$app/packages"
done
cat >"$app/Cargo.toml" <<TOML
[package]
name = "outside-app"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
wasm-ws = "$version"
wasm-ws-yew = "$version"
yew = { version = "0.23", features = ["csr"] }

[patch.crates-io]
wasm-ws = { path = "packages/wasm-ws-$version" }
wasm-ws-yew = { path = "packages/wasm-ws-yew-$version" }
TOML
cat >"$app/src/main.rs" <<'RUST'
//! An app outside the workspace, on the public API only.
use wasm_ws::reconnecting::{ConnectionStatus, ReconnectOptions};
use wasm_ws_yew::{use_reconnecting_websocket, Message, UseReconnectingWebSocketOptions, WebSocketConsole};
use yew::prelude::*;

#[function_component]
fn Status() -> Html {
    let options = UseReconnectingWebSocketOptions { reconnect: ReconnectOptions::default(), ..Default::default() };
    let connection = use_reconnecting_websocket("/websocket/test", options);
    let open = connection.status == ConnectionStatus::Open;
    let send = Callback::from(move |_: MouseEvent| {
        let _ = connection.send(Message::from("hello"));
    });
    html! { <button onclick={send} disabled={!open}>{ "send" }</button> }
}

#[function_component]
fn App() -> Html {
    html! { <><Status /><WebSocketConsole url="/websocket/test" /></> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
RUST
# The workspace's lock file keeps every other dependency at the version tested here.
cp Cargo.lock "$app/Cargo.lock"
(cd "$app" && CARGO_TARGET_DIR="$root/target/outside-app" cargo build -q --target wasm32-unknown-unknown)
echo "outside app built against the packaged wasm-ws $version and wasm-ws-yew $version"
