//! The floor: the tutorial backend's job (greeting, a push every second, echo) on bare tokio-tungstenite,
//! with no framework. `floor 127.0.0.1:0` prints "floor listening on http://ADDR".

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::{protocol::WebSocketConfig, Message};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let listener = TcpListener::bind(&bind).await.expect("bind");
    println!(
        "floor listening on http://{}",
        listener.local_addr().unwrap()
    );
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // As wasm-ws-server does (and node's ws): no frame waits on Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            // Small buffers, like a server tuned for many connections (tungstenite's default
            // read buffer is 128 KiB per connection).
            let config = WebSocketConfig::default()
                .read_buffer_size(4096)
                .write_buffer_size(0);
            let Ok(mut socket) =
                tokio_tungstenite::accept_async_with_config(stream, Some(config)).await
            else {
                return;
            };
            if socket.send(Message::text("连接成功")).await.is_err() {
                return;
            }
            let mut pushes = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_secs(1),
                Duration::from_secs(1),
            );
            loop {
                tokio::select! {
                    _ = pushes.tick() => {
                        let push = format!("0.{:02}", std::process::id() as u64 * 31 % 100);
                        if socket.send(Message::text(push)).await.is_err() { return; }
                    }
                    message = socket.next() => match message {
                        Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => {
                            if socket.send(message).await.is_err() { return; }
                        }
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                        Some(Ok(_)) => {}
                    }
                }
            }
        });
    }
}
