//! Property tests: random options (flow control with marks small enough to fill) and random
//! interleavings of sends, opens, cuts, server closes with any code, a server that reads
//! slowly (so the browser's buffer fills), a server closing while the client sends (so the
//! socket refuses),
//! acknowledgements, heartbeat replies, time, wake and offline events, `close()`,
//! `reconnect()`, drains, new options mid-flight, and handlers that call back into the
//! connection, all through the real driver over the in-memory network (`sim.rs`), which checks
//! every [`Invariant`] after every step. At the end of each case the network heals, and with
//! acknowledgements every accepted message must have reached the server.
//!
//! That each invariant catches the bugs it is meant for is shown by mutation testing
//! (`scripts/mutants.sh`, reported in `docs/mutants.md`), not by switches in the code.

use std::{rc::Rc, time::Duration};

use proptest::{prelude::*, test_runner::TestRunner};

use super::sim::{Act, EventKind, Invariant, Sim};
use crate::{
    reconnecting::{core::Wake, Backoff, Heartbeat, QueueLimits, ReconnectOptions},
    FlowControl, Message,
};

/// What happens next, chosen at random.
#[derive(Debug, Clone)]
enum Action {
    /// A user's call: a send of this many bytes of padding, `close()`, `reconnect()`, a drain.
    Call(Act),
    /// The server accepts the socket under way.
    Accept,
    /// The server accepts the socket under way and starts closing it at once: the open event
    /// finds a socket that refuses the hello and the flush.
    AcceptClosing,
    /// The next socket cannot be made.
    FailNextOpen,
    /// The network carries this many messages to the server.
    Deliver(usize),
    /// The server echoes (acknowledges) the oldest message it has not echoed.
    Echo,
    /// The server pushes a message of its own.
    Push,
    /// The server answers a ping.
    Pong,
    /// The connection ends with this code (1006: cut), and the predicate says `reconnect`;
    /// with `error`, it fails (error, then 1006).
    End {
        code: u16,
        reconnect: bool,
        error: bool,
    },
    /// The server starts the closing handshake: the socket refuses what is sent until its
    /// close event.
    PeerClosing,
    /// Time passes.
    Wait(u64),
    /// Time passes until the next deadline, which comes.
    NextTimer,
    Wake(Wake),
    /// `set_options` mid-flight: another heartbeat (or none), backoff, attempts, timeouts,
    /// waking, hello and queue limits; whether to acknowledge stays (the promises differ).
    Reconfigure(Box<ReconnectOptions>),
    /// A handler makes this call when the next event of this kind comes.
    React(EventKind, Act),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        6 => (0usize..24).prop_map(Act::Send),
        1 => Just(Act::Close),
        1 => Just(Act::Reconnect),
        1 => Just(Act::DrainQueue),
        1 => Just(Act::DrainUnacknowledged),
    ]
}

fn event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::Connecting),
        Just(EventKind::Open),
        Just(EventKind::Message),
        Just(EventKind::Sent),
        Just(EventKind::Closed),
        Just(EventKind::Reconnecting),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        9 => act().prop_map(Action::Call),
        4 => Just(Action::Accept),
        1 => Just(Action::AcceptClosing),
        1 => Just(Action::FailNextOpen),
        4 => (1usize..6).prop_map(Action::Deliver),
        4 => Just(Action::Echo),
        1 => Just(Action::Push),
        2 => Just(Action::Pong),
        2 => (prop_oneof![Just(1006u16), Just(1000), Just(1001), Just(1011), 3000u16..5000], any::<bool>(), any::<bool>())
            .prop_map(|(code, reconnect, error)| Action::End { code, reconnect, error }),
        2 => Just(Action::PeerClosing),
        3 => (1u64..4000).prop_map(Action::Wait),
        3 => Just(Action::NextTimer),
        1 => prop_oneof![Just(Wake::Visible), Just(Wake::Online), Just(Wake::Offline), Just(Wake::Restored)].prop_map(Action::Wake),
        1 => options().prop_map(|options| Action::Reconfigure(Box::new(options))),
        2 => (event_kind(), act()).prop_map(|(kind, call)| Action::React(kind, call)),
    ]
}

fn heartbeat() -> impl Strategy<Value = Option<Heartbeat>> {
    prop::option::of(
        (millis(50..5000), millis(50..3000))
            .prop_map(|(interval, timeout)| Heartbeat::ping_pong(interval, timeout)),
    )
}

fn millis(range: std::ops::Range<u64>) -> impl Strategy<Value = Duration> {
    range.prop_map(Duration::from_millis)
}

/// Random options: the rules' every knob, within small bounds so that limits are reached.
fn options() -> impl Strategy<Value = ReconnectOptions> {
    let backoff = (millis(1..2000), millis(1..30_000), 1.0f64..3.0, 0.0f64..0.5).prop_map(
        |(initial, max, factor, jitter)| Backoff {
            initial,
            max,
            factor,
            jitter,
        },
    );
    let queue = (1usize..8, 8usize..120).prop_map(|(max_messages, max_bytes)| QueueLimits {
        max_messages,
        max_bytes,
    });
    // Marks small enough for a few short messages to fill the buffer.
    let flow_control =
        prop::option::of(
            (8usize..80, 0usize..40).prop_map(|(high, low)| FlowControl {
                high_water_mark: high,
                low_water_mark: low.min(high),
            }),
        );
    (
        (backoff, prop::option::of(0u32..5), millis(0..3000)),
        prop::option::of(millis(10..5000)),
        queue,
        heartbeat(),
        flow_control,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                (backoff, max_attempts, min_uptime),
                connect_timeout,
                queue,
                heartbeat,
                flow_control,
                wake,
                acknowledge,
                hello,
            )| {
                ReconnectOptions {
                    backoff,
                    max_attempts,
                    min_uptime,
                    connect_timeout,
                    queue,
                    heartbeat,
                    flow_control,
                    reconnect_on_wake: wake,
                    acknowledge: acknowledge.then(|| -> crate::reconnecting::AckMatcher {
                        Rc::new(|incoming: &Message, sent: &Message| incoming == sent)
                    }),
                    hello: hello.then(|| -> crate::reconnecting::HelloMessages {
                        Rc::new(|| vec![Message::from("hello")])
                    }),
                    ..ReconnectOptions::default()
                }
            },
        )
}

/// Plays `actions` on a connection with `options`, then heals the network; returns every
/// invariant broken on the way.
fn play(options: ReconnectOptions, actions: &[Action]) -> Vec<(Invariant, String)> {
    let mut sim = Sim::new(options);
    for action in actions {
        match action {
            Action::Call(Act::Send(padding)) => {
                let _ = sim.send(*padding);
            }
            Action::Call(call) => sim.act(*call),
            Action::Accept => sim.accept(),
            Action::AcceptClosing => sim.accept_then(true),
            Action::FailNextOpen => sim.fail_next_open(),
            Action::Deliver(count) => sim.deliver(*count),
            Action::Echo => sim.server_says(None),
            Action::Push => sim.server_says(Some(Message::from("push"))),
            Action::Pong => sim.server_says(Some(Message::from("pong"))),
            Action::End {
                code,
                reconnect,
                error,
            } => {
                sim.answer_reconnect(*reconnect);
                sim.end(*code, *error);
            }
            Action::PeerClosing => sim.peer_closing(),
            Action::Wait(ms) => sim.advance(Duration::from_millis(*ms)),
            Action::NextTimer => {
                sim.next_timer();
            }
            Action::Wake(wake) => sim.wake(*wake),
            Action::Reconfigure(options) => {
                let current = sim.options();
                sim.configure(ReconnectOptions {
                    acknowledge: current.acknowledge,
                    ..(**options).clone()
                });
            }
            Action::React(kind, call) => sim.react(*kind, *call),
        }
    }
    sim.heal(2000);
    if sim.options().acknowledge.is_some() {
        sim.check_at_least_once();
    }
    sim.broken()
}

/// How many random cases each run plays (`PROPTEST_CASES` overrides it).
const CASES: u32 = 2000;

/// `cases`, or `PROPTEST_CASES` if set.
fn cases_or_env(cases: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(cases)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    })
}

#[test]
fn every_invariant_holds_in_random_runs_through_the_real_driver() {
    let started = std::time::Instant::now();
    let cases = cases_or_env(CASES);
    let case = (options(), prop::collection::vec(action(), 1..120));
    let result = runner(cases).run(&case, |(options, actions)| {
        let broken = play(options, &actions);
        prop_assert!(broken.is_empty(), "{:?}", broken);
        Ok(())
    });
    eprintln!(
        "reconnecting properties: {cases} random cases through the driver in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
