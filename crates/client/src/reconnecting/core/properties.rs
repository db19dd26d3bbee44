//! Property tests: random options and random interleavings of sends, opens, cuts, server
//! closes with any code, acknowledgements, heartbeat replies, timers, wake and offline events,
//! `close()` and `reconnect()`, run through the simulated driver (`sim.rs`), which checks every
//! [`Invariant`] at every step. At the end of each case the network heals, and with
//! acknowledgements every accepted message must have reached the server.
//!
//! Each invariant is shown to catch a deliberate bug ([`sabotage`]): the same run, with that
//! bug switched on, must fail.

use std::{rc::Rc, time::Duration};

use proptest::{prelude::*, test_runner::TestRunner};

use super::{
    sim::{Invariant, Sim},
    Input, Wake,
};
use crate::{
    reconnecting::{Backoff, Heartbeat, QueueLimits, ReconnectOptions},
    Message,
};

/// Deliberate bugs, switched on one at a time by the tests below, through `sabotaged!`.
pub(crate) mod sabotage {
    use std::cell::Cell;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Bug {
        /// What awaited acknowledgement is not sent again after a reconnection.
        SkipResend,
        /// After a reconnection the queue goes before what awaited acknowledgement.
        QueueBeforeResend,
        /// A message sent at once is also queued.
        SendAndQueue,
        /// `send()` while connecting goes out on the socket under way.
        SendWhileConnecting,
        /// `reconnect()` forgets to let the old socket go.
        KeepOldSocket,
        /// The queue's byte limit is not checked.
        IgnoreByteLimit,
        /// Each delay is the next attempt's.
        BackoffOneAhead,
        /// Messages still arrive after `close()`.
        MessagesWhileClosing,
        /// An acknowledgement does not resume the flush (issue 20's first bug).
        NoFlushOnAck,
        /// Silence is checked every half interval instead of when due (issue 20's second bug).
        HalfIntervalChecks,
        /// The verdict on an unanswered ping waits twice the timeout.
        LateVerdict,
    }

    thread_local! {
        static ACTIVE: Cell<Option<Bug>> = const { Cell::new(None) };
    }

    pub(crate) fn is(bug: Bug) -> bool {
        ACTIVE.with(|active| active.get() == Some(bug))
    }

    /// Runs `test` with `bug` switched on.
    pub(crate) fn with<T>(bug: Bug, test: impl FnOnce() -> T) -> T {
        ACTIVE.with(|active| active.set(Some(bug)));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(test));
        ACTIVE.with(|active| active.set(None));
        result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// What happens next, chosen at random.
#[derive(Debug, Clone)]
enum Action {
    /// The user sends a message of this many bytes of padding.
    Send(usize),
    /// The server accepts the socket under way.
    Accept,
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
    /// with `error`, the socket's error event comes first.
    End {
        code: u16,
        reconnect: bool,
        error: bool,
    },
    /// The server starts the closing handshake.
    PeerClosing,
    /// Time passes.
    Wait(u64),
    /// Time passes until the next timer, which fires.
    NextTimer,
    Wake(Wake),
    Close,
    Reconnect,
    /// `set_options` with another heartbeat (or none), the rest unchanged.
    Reheartbeat(Option<Heartbeat>),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0usize..24).prop_map(Action::Send),
        4 => Just(Action::Accept),
        1 => Just(Action::FailNextOpen),
        4 => (1usize..6).prop_map(Action::Deliver),
        4 => Just(Action::Echo),
        1 => Just(Action::Push),
        2 => Just(Action::Pong),
        2 => (prop_oneof![Just(1006u16), Just(1000), Just(1001), Just(1011), 3000u16..5000], any::<bool>(), any::<bool>())
            .prop_map(|(code, reconnect, error)| Action::End { code, reconnect, error }),
        1 => Just(Action::PeerClosing),
        3 => (1u64..4000).prop_map(Action::Wait),
        3 => Just(Action::NextTimer),
        1 => prop_oneof![Just(Wake::Visible), Just(Wake::Online), Just(Wake::Offline), Just(Wake::Restored)].prop_map(Action::Wake),
        1 => Just(Action::Close),
        1 => Just(Action::Reconnect),
        1 => heartbeat().prop_map(Action::Reheartbeat),
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
    (
        backoff,
        prop::option::of(0u32..5),
        millis(0..3000),
        prop::option::of(millis(10..5000)),
        queue,
        heartbeat(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                backoff,
                max_attempts,
                min_uptime,
                connect_timeout,
                queue,
                heartbeat,
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
    let hello = options
        .hello
        .as_ref()
        .map(|hello| hello())
        .unwrap_or_default();
    let mut sim = Sim::new(options);
    sim.hello = hello;
    for action in actions {
        match action {
            Action::Send(padding) => {
                let _ = sim.send(*padding);
            }
            Action::Accept => sim.accept(),
            Action::FailNextOpen => sim.fail_next_open = true,
            Action::Deliver(count) => sim.deliver(*count),
            Action::Echo => sim.server_says(None),
            Action::Push => sim.server_says(Some(Message::from("push"))),
            Action::Pong => sim.server_says(Some(Message::from("pong"))),
            Action::End {
                code,
                reconnect,
                error,
            } => {
                sim.reconnect_answer = *reconnect;
                if *error {
                    sim.error();
                }
                sim.end(*code);
            }
            Action::PeerClosing => sim.peer_closing(),
            Action::Wait(ms) => sim.advance(Duration::from_millis(*ms)),
            Action::NextTimer => {
                sim.next_timer();
            }
            Action::Wake(wake) => sim.input(Input::Wake(*wake)),
            Action::Close => sim.input(Input::Close(None)),
            Action::Reconnect => sim.input(Input::Reconnect),
            Action::Reheartbeat(heartbeat) => {
                let options = ReconnectOptions {
                    heartbeat: heartbeat.clone(),
                    ..sim.core.options().clone()
                };
                sim.input(Input::Configure(Box::new(options)));
            }
        }
    }
    sim.heal(2000);
    if sim.core.options().acknowledge.is_some() {
        sim.check_at_least_once();
    }
    sim.broken
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

/// Runs the property "none of `invariants` is ever broken" over random cases; the shrunk
/// failing case if one is found.
fn check(cases: u32, invariants: &[Invariant]) -> Result<(), String> {
    let case = (options(), prop::collection::vec(action(), 1..120));
    runner(cases)
        .run(&case, |(options, actions)| {
            let broken: Vec<_> = play(options, &actions)
                .into_iter()
                .filter(|(invariant, _)| invariants.contains(invariant))
                .collect();
            prop_assert!(broken.is_empty(), "{:?}", broken);
            Ok(())
        })
        .map_err(|failure| failure.to_string())
}

const ALL: [Invariant; 11] = [
    Invariant::AtLeastOnce,
    Invariant::FirstDeliveriesInOrder,
    Invariant::NoDuplicates,
    Invariant::SendOnlyWhenOpen,
    Invariant::OneSocket,
    Invariant::Bounds,
    Invariant::BackoffBounds,
    Invariant::NothingAfterClose,
    Invariant::NoStall,
    Invariant::PingOnTime,
    Invariant::DeadOnTime,
];

#[test]
fn every_invariant_holds_in_random_runs() {
    let started = std::time::Instant::now();
    let cases = cases_or_env(CASES);
    let result = check(cases, &ALL);
    eprintln!(
        "core properties: {cases} random cases in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Each invariant, with the bug it must catch: the run fails.
fn catches(bug: sabotage::Bug, invariant: Invariant) {
    let result = sabotage::with(bug, || check(CASES * 5, &[invariant]));
    match result {
        Err(failure) => eprintln!("{bug:?} breaks {invariant:?}: {failure}"),
        Ok(()) => panic!("{invariant:?} did not catch {bug:?}"),
    }
}

#[test]
fn at_least_once_catches_a_skipped_resend() {
    catches(sabotage::Bug::SkipResend, Invariant::AtLeastOnce);
}

#[test]
fn first_deliveries_in_order_catch_the_queue_going_first() {
    catches(
        sabotage::Bug::QueueBeforeResend,
        Invariant::FirstDeliveriesInOrder,
    );
}

#[test]
fn no_duplicates_catches_a_message_sent_and_queued() {
    catches(sabotage::Bug::SendAndQueue, Invariant::NoDuplicates);
}

#[test]
fn send_only_when_open_catches_a_send_while_connecting() {
    catches(
        sabotage::Bug::SendWhileConnecting,
        Invariant::SendOnlyWhenOpen,
    );
}

#[test]
fn one_socket_catches_a_socket_not_let_go() {
    catches(sabotage::Bug::KeepOldSocket, Invariant::OneSocket);
}

#[test]
fn bounds_catch_an_unchecked_byte_limit() {
    catches(sabotage::Bug::IgnoreByteLimit, Invariant::Bounds);
}

#[test]
fn backoff_bounds_catch_a_delay_one_attempt_ahead() {
    catches(sabotage::Bug::BackoffOneAhead, Invariant::BackoffBounds);
}

#[test]
fn nothing_after_close_catches_a_message_delivered_while_closing() {
    catches(
        sabotage::Bug::MessagesWhileClosing,
        Invariant::NothingAfterClose,
    );
}

#[test]
fn no_stall_catches_a_flush_not_resumed_by_acknowledgements() {
    catches(sabotage::Bug::NoFlushOnAck, Invariant::NoStall);
}

#[test]
fn ping_on_time_catches_checks_every_half_interval() {
    catches(sabotage::Bug::HalfIntervalChecks, Invariant::PingOnTime);
}

#[test]
fn dead_on_time_catches_a_late_verdict() {
    catches(sabotage::Bug::LateVerdict, Invariant::DeadOnTime);
}
