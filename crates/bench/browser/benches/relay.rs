//! The relay's cost (issue 27): the round trip of an echo sent by a following tab, against one
//! sent by the leading tab, over the same shared socket. Two connections shared across tabs
//! in one page stand for the two tabs: the browser's own Web Locks elect the first as leader,
//! and its own `BroadcastChannel` relays, as between tabs (in one page the channel's hop stays
//! in one process; between real tabs it crosses processes too, which the end-to-end test's
//! handover figures cover). Alternating, 1,000 round trips each, after 50 of warm-up.
//!
//! Each row: p50, p99 and the mean in milliseconds, and the follower's p50 over the
//! leader's. A benchmark, not a test: it prints figures and judges nothing. Run by
//! `scripts/bench.sh`; prints Markdown table rows starting with `| relay`.

use std::pin::Pin;

use bench_browser::{now, print};
use futures_util::{Stream, StreamExt};
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};
use wasm_ws_client::{
    ConnectionEvent, Message, ReconnectOptions, ReconnectingWebSocket, Sent, TabRole,
};
use wasm_ws_test_support::endpoint;

wasm_bindgen_test_configure!(run_in_browser);

const ROUND_TRIPS: usize = 1_000;
const WARM_UP: usize = 50;

/// One tab: its connection and what it hears.
struct Tab {
    connection: ReconnectingWebSocket,
    events: Pin<Box<dyn Stream<Item = ConnectionEvent>>>,
}

impl Tab {
    fn open(url: &str) -> Self {
        let connection =
            ReconnectingWebSocket::open_shared(url, ReconnectOptions::default(), "relay-bench")
                .unwrap();
        let events = Box::pin(connection.events());
        Self { connection, events }
    }

    /// Waits for the message `text`.
    async fn heard(&mut self, text: &str) {
        while let Some(event) = self.events.next().await {
            if matches!(&event, ConnectionEvent::Message(Message::Text(got)) if got == text) {
                return;
            }
        }
        panic!("the connection ended before {text:?} came back");
    }

    /// Milliseconds from `send` to the echo of `text`; and how the send was answered.
    async fn round_trip(&mut self, text: &str) -> (f64, Sent) {
        let started = now();
        let sent = self.connection.send(Message::from(text)).unwrap();
        self.heard(text).await;
        (now() - started, sent)
    }
}

/// p50, p99 and the mean.
fn summary(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    (at(0.5), at(0.99), mean)
}

#[wasm_bindgen_bench]
async fn an_echo_from_a_following_tab_against_one_from_the_leading_tab(_: &mut Criterion) {
    let url = endpoint("echo");
    let mut leader = Tab::open(&url);
    let mut follower = Tab::open(&url);
    // Until both hear their own echo: the leader holds the lock, and the follower's relay is
    // open (its sends answer `Relayed`).
    loop {
        let (_, answer) = follower.round_trip("ready?").await;
        if answer == Sent::Relayed {
            break;
        }
    }
    assert_eq!(leader.connection.tab_role(), TabRole::Leading);
    assert_eq!(follower.connection.tab_role(), TabRole::Following);
    leader.round_trip("ready").await;

    let (mut led, mut followed) = (Vec::new(), Vec::new());
    for n in 0..WARM_UP + ROUND_TRIPS {
        let (leader_ms, _) = leader.round_trip(&format!("leader {n}")).await;
        let (follower_ms, answer) = follower.round_trip(&format!("follower {n}")).await;
        assert_eq!(answer, Sent::Relayed);
        if n >= WARM_UP {
            led.push(leader_ms);
            followed.push(follower_ms);
        }
    }
    let (leader_p50, leader_p99, leader_mean) = summary(led);
    let (follower_p50, follower_p99, follower_mean) = summary(followed);
    print(&format!("| relay: echo round trip ({ROUND_TRIPS} each) | p50 ms | p99 ms | mean ms | p50 vs leader |"));
    print("|---|---|---|---|---|");
    print(&format!("| relay: from the leading tab (its own socket) | {leader_p50:.2} | {leader_p99:.2} | {leader_mean:.2} | 1.00× |"));
    print(&format!("| relay: from a following tab (BroadcastChannel both ways) | {follower_p50:.2} | {follower_p99:.2} | {follower_mean:.2} | {:.2}× |",
        follower_p50 / leader_p50
    ));
}
