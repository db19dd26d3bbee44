//! Test an app's WebSocket code without a server: a [`FakeServer`] that the test scripts step
//! by step, on a virtual clock that the test moves (cargo feature `testing`, off by default:
//! enable it in your `[dev-dependencies]`).
//!
//! The code under test does not change: it connects to the fake server's URL
//! ([`FakeServer::url`], `memory://…`) as it would to a real one, with
//! [`ReconnectingWebSocket`](crate::ReconnectingWebSocket) (natively and in the browser) or a
//! plain [`WebSocket`](crate::WebSocket) (in the browser), directly or through the Yew hooks.
//! The test then plays the server:
//!
//! - [`FakeServer::next_connection`] waits for the client's next attempt, which the test
//!   [`accept`s](IncomingConnection::accept) (choosing the protocol and extensions) or
//!   [`refuse`s](IncomingConnection::refuse); [`FakeServer::accept`] does both at once;
//! - [`ServerSocket::next_message`] waits for what the client sent next, and fails with what it
//!   did send if nothing comes; [`ServerSocket::send`] answers; [`ServerSocket::close`],
//!   [`ServerSocket::drop_connection`] and [`ServerSocket::go_silent`] end it three ways;
//! - [`FakeServer::advance`] moves time: backoff, heartbeat, connect timeout and `min_uptime`
//!   play out at once, exactly on time, with no sleep;
//! - [`FakeServer::connections`] counts the attempts.
//!
//! Every step that waits is `async`, and runs the tasks the client's code has pending (a
//! spawned future, a Yew render) before it concludes. It never waits for real time: what does
//! not come is a panic naming the step and what did happen, never a hang.
//!
//! A chat client that says `hello` on every connection, tested natively with the executor of
//! the `futures` crate (any executor does):
//!
//! ```
//! use std::{rc::Rc, time::Duration};
//! use wasm_ws_client::{testing::FakeServer, Message, ReconnectOptions, ReconnectingWebSocket};
//!
//! futures_executor::block_on(async {
//!     let server = FakeServer::new();
//!     let options = ReconnectOptions {
//!         hello: Some(Rc::new(|| vec![Message::from("hello")])),
//!         ..ReconnectOptions::default()
//!     };
//!     let chat = ReconnectingWebSocket::open(&server.url(), options).unwrap();
//!
//!     let mut socket = server.accept().await;
//!     assert_eq!(socket.next_text().await, "hello");
//!     socket.drop_connection(); // the network fails: 1006
//!
//!     server.advance(Duration::from_secs(2)).await; // the backoff, played at once
//!     let mut again = server.accept().await;
//!     assert_eq!(again.next_text().await, "hello", "said again on the new connection");
//!     assert_eq!(server.connections(), 2);
//!     chat.close();
//! });
//! ```
//!
//! See the project's `docs/testing.md` for more: a Yew component against a fake server, a
//! heartbeat that finds a silent server dead, a typed-JSON decode error.

mod server;
mod socket;
mod steps;
#[cfg(target_arch = "wasm32")]
mod web_socket;

pub use server::FakeServer;
pub use socket::{IncomingConnection, ServerSocket};

pub(crate) use server::route;
