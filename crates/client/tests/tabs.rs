//! One connection for every tab, without a browser: connections to one fake server that share
//! across tabs are tabs of one origin (their lock and channel live in memory, with the rules of
//! the Web Locks API and `BroadcastChannel`). The leader's election, what is relayed, and the
//! handover, through the real driver and the real relay. Natively
//! (`cargo test -p wasm-ws-client --features testing --test tabs`) and in the three browsers;
//! the browser's own lock and channel are the end-to-end test's (`tests/e2e/tabs.test.mjs`).
//!
//! Why one file of this length: its tests share the helpers at the top (tabs on one fake
//! server, their event streams) and read in order, from the election to the handover.

#[macro_use]
mod common;

use std::{rc::Rc, time::Duration};

use futures_util::{FutureExt, Stream, StreamExt};
use wasm_ws_client::{
    testing::{FakeServer, ServerSocket},
    ConnectionEvent, ConnectionStatus, FlowControl, Message, ReconnectOptions,
    ReconnectingWebSocket, Sent, TabRole,
};

use common::{report, wall_ms};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The app's version, as its build names it.
const APP: &str = "dashboard@1";

/// A tab of the app: its connection to `server`, shared, and what it hears.
struct Tab {
    connection: ReconnectingWebSocket,
    events: std::pin::Pin<Box<dyn Stream<Item = ConnectionEvent>>>,
}

impl Tab {
    fn open(server: &FakeServer, options: ReconnectOptions) -> Self {
        let connection = ReconnectingWebSocket::open_shared(&server.url(), options, APP).unwrap();
        let events = Box::pin(connection.events());
        Self { connection, events }
    }

    /// Every event heard so far.
    fn heard(&mut self) -> Vec<ConnectionEvent> {
        let mut heard = Vec::new();
        while let Some(Some(event)) = self.events.next().now_or_never() {
            heard.push(event);
        }
        heard
    }

    /// The texts of the messages heard so far.
    fn messages(&mut self) -> Vec<String> {
        let heard = self.heard().into_iter();
        heard
            .filter_map(|event| match event {
                ConnectionEvent::Message(Message::Text(text)) => Some(text),
                _ => None,
            })
            .collect()
    }

    fn say(&self, text: &str) -> Sent {
        self.connection.send(Message::from(text)).unwrap()
    }
}

/// Every text the server read on `socket` so far.
fn read(socket: &mut ServerSocket) -> Vec<String> {
    let mut read = Vec::new();
    while let Some(message) = socket.try_next_message() {
        read.push(message.as_text().unwrap_or_default().to_owned());
    }
    read
}

/// A chat's options: each tab joins its room on every open of the shared socket, and keeps
/// what the server has not acknowledged (`ok <text>`).
fn chat(room: &str) -> ReconnectOptions {
    let join = format!("join {room}");
    ReconnectOptions {
        hello: Some(Rc::new(move || vec![Message::from(join.as_str())])),
        acknowledge: Some(Rc::new(|incoming: &Message, sent: &Message| {
            let acknowledged = incoming.as_text().and_then(|text| text.strip_prefix("ok "));
            acknowledged.is_some() && acknowledged == sent.as_text()
        })),
        ..ReconnectOptions::default()
    }
}

/// Three tabs opened one after the other; the first leads, on the one connection accepted.
async fn three_tabs(
    server: &FakeServer,
    options: impl Fn(usize) -> ReconnectOptions,
) -> (Vec<Tab>, ServerSocket) {
    let tabs: Vec<Tab> = (0..3)
        .map(|index| Tab::open(server, options(index)))
        .collect();
    let socket = server.accept().await;
    server.settle().await;
    (tabs, socket)
}

kit_test! {
    async fn three_tabs_hold_one_connection_and_hear_every_message_in_the_same_order() {
        let server = FakeServer::new();
        let (mut tabs, socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        let roles: Vec<TabRole> = tabs.iter().map(|tab| tab.connection.tab_role()).collect();
        assert_eq!(roles, [TabRole::Leading, TabRole::Following, TabRole::Following]);
        for tab in &tabs {
            assert_eq!(tab.connection.status(), ConnectionStatus::Open, "the leader's status");
        }
        for tab in &mut tabs {
            let opens = tab.heard().into_iter().filter(|event| *event == ConnectionEvent::Open);
            assert_eq!(opens.count(), 1, "one open, the shared socket's");
        }

        for push in ["0.42", "0.17", "0.93"] {
            socket.send(push);
        }
        server.settle().await;
        for tab in &mut tabs {
            assert_eq!(tab.messages(), ["0.42", "0.17", "0.93"]);
        }
        assert_eq!(server.connections(), 1, "one connection for three tabs");
    }
}

kit_test! {
    async fn a_tab_that_joins_an_open_connection_hears_it_open() {
        let server = FakeServer::new();
        let first = Tab::open(&server, ReconnectOptions::default());
        let _socket = server.accept().await;
        server.settle().await;
        assert_eq!(first.connection.status(), ConnectionStatus::Open);
        let mut late = Tab::open(&server, ReconnectOptions::default());
        server.settle().await;
        assert_eq!(late.connection.tab_role(), TabRole::Following);
        assert_eq!(late.connection.status(), ConnectionStatus::Open, "the leader's status");
        let opens = late.heard().into_iter().filter(|event| *event == ConnectionEvent::Open).count();
        assert_eq!(opens, 1, "the change to open is told, as every change of status is");
        assert_eq!(server.connections(), 1);
    }
}

/// A tab opened now, beside a leader whose connection stands at `status`: it hears that
/// status as the leader's, and the event that tells it.
async fn a_late_tab_hears(server: &FakeServer, status: ConnectionStatus, event: ConnectionEvent) {
    let mut late = Tab::open(server, ReconnectOptions::default());
    server.settle().await;
    assert_eq!(late.connection.tab_role(), TabRole::Following);
    assert_eq!(late.connection.status(), status, "the leader's status");
    assert!(late.heard().contains(&event), "{event:?} told");
}

kit_test! {
    async fn a_tab_that_joins_hears_where_the_shared_connection_stands_as_an_event() {
        let server = FakeServer::new();
        let options = ReconnectOptions {
            max_attempts: Some(2),
            reconnect_on_wake: true,
            ..ReconnectOptions::default()
        };
        let first = Tab::open(&server, options);
        let socket = server.accept().await;
        server.settle().await;

        socket.drop_connection();
        server.settle().await;
        let waiting = first.connection.status();
        let ConnectionStatus::Reconnecting { attempt, delay } = waiting.clone() else {
            panic!("{waiting:?}");
        };
        a_late_tab_hears(&server, waiting, ConnectionEvent::Reconnecting { attempt, delay }).await;

        // The wait over, the attempt under way and not answered yet.
        server.advance(delay).await;
        let dialling = ConnectionStatus::Connecting { attempt: 1 };
        assert_eq!(first.connection.status(), dialling);
        a_late_tab_hears(&server, dialling, ConnectionEvent::Connecting { attempt: 1 }).await;
        server.next_connection().await.refuse();
        server.settle().await;

        server.go_offline();
        server.settle().await;
        assert_eq!(first.connection.status(), ConnectionStatus::Offline);
        a_late_tab_hears(&server, ConnectionStatus::Offline, ConnectionEvent::Offline).await;

        server.go_online();
        // Back online, the attempts start over (a wake resets their count): the first is
        // refused, the next is never answered and times out, and that was the last of two.
        server.next_connection().await.refuse();
        server.advance(Duration::from_secs(60)).await;
        let gave_up = first.connection.status();
        let ConnectionStatus::GaveUp { attempts } = gave_up else {
            panic!("{gave_up:?}");
        };
        assert_eq!(attempts, 2);
        a_late_tab_hears(&server, gave_up, ConnectionEvent::GaveUp { attempts }).await;
    }
}

kit_test! {
    async fn sends_from_every_tab_go_out_through_the_leader_in_each_tabs_order() {
        let server = FakeServer::new();
        let (tabs, mut socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        for round in 1..=3 {
            for (index, tab) in tabs.iter().enumerate() {
                let expected = if index == 0 { Sent::Now } else { Sent::Relayed };
                assert_eq!(tab.say(&format!("tab{index} #{round}")), expected);
            }
        }
        server.settle().await;
        let read = read(&mut socket);
        assert_eq!(read.len(), 9, "{read:?}");
        for index in 0..3 {
            let of_tab: Vec<&String> = read.iter().filter(|text| text.starts_with(&format!("tab{index} "))).collect();
            assert_eq!(of_tab, [&format!("tab{index} #1"), &format!("tab{index} #2"), &format!("tab{index} #3")]);
        }
    }
}

kit_test! {
    async fn a_following_tab_sends_at_the_pace_the_leaders_socket_drains() {
        let server = FakeServer::new();
        let paced = |_| ReconnectOptions {
            flow_control: Some(FlowControl { high_water_mark: 100, low_water_mark: 20 }),
            ..ReconnectOptions::default()
        };
        let (tabs, mut socket) = three_tabs(&server, paced).await;
        let (leader, follower) = (&tabs[0].connection, &tabs[1]);
        let ready = || follower.connection.send_ready().now_or_never().is_some();
        let answers: Vec<Sent> = (0..10).map(|n| follower.say(&format!("{n}{}", "x".repeat(40)))).collect();
        assert_eq!(answers[..3], [Sent::Relayed, Sent::Relayed, Sent::Queued], "41 bytes each, 100 in flight at most");
        server.settle().await;
        assert!(!ready(), "the server reads nothing: the follower waits");
        let mut read_all = Vec::new();
        for _ in 0..20 {
            // What waits for the follower in the leader's hands stays within its mark.
            assert!(leader.queued_len() <= 3, "{} queued in the leader", leader.queued_len());
            read_all.extend(read(&mut socket));
            server.settle().await;
        }
        let expected: Vec<String> = (0..10).map(|n| format!("{n}{}", "x".repeat(40))).collect();
        assert_eq!(read_all, expected, "all, in order, once");
        assert!(ready(), "drained: the follower may send again");
        assert_eq!(follower.connection.queued_len(), 0);
    }
}

kit_test! {
    async fn every_tab_says_its_hello_on_every_open_of_the_shared_socket() {
        let server = FakeServer::new();
        let rooms = ["rust", "wasm", "yew"];
        let (_tabs, mut socket) = three_tabs(&server, |index| chat(rooms[index])).await;
        let mut hellos = read(&mut socket);
        hellos.sort();
        assert_eq!(hellos, ["join rust", "join wasm", "join yew"]);

        socket.drop_connection();
        server.advance(Duration::from_secs(2)).await; // the leader's backoff
        let mut again = server.accept().await;
        server.settle().await;
        let hellos = read(&mut again);
        assert_eq!(hellos[0], "join rust", "the leader's first");
        let mut hellos = hellos;
        hellos.sort();
        assert_eq!(hellos, ["join rust", "join wasm", "join yew"], "and each tab's, once");
        assert_eq!(server.connections(), 2);
    }
}

kit_test! {
    async fn the_status_of_a_following_tab_is_the_leaders() {
        let server = FakeServer::new();
        let (mut tabs, socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        for tab in &mut tabs {
            tab.heard();
        }
        socket.drop_connection();
        server.settle().await;
        let leader = tabs[0].connection.status();
        assert!(matches!(leader, ConnectionStatus::Reconnecting { attempt: 1, .. }), "{leader:?}");
        for tab in &mut tabs {
            assert_eq!(tab.connection.status(), leader);
            let heard = tab.heard();
            assert!(
                heard.iter().any(|event| matches!(event, ConnectionEvent::Closed(close) if close.code == 1006)),
                "{heard:?}"
            );
            assert!(heard.iter().any(|event| matches!(event, ConnectionEvent::Reconnecting { attempt: 1, .. })));
        }
        server.advance(Duration::from_secs(2)).await;
        let _again = server.accept().await;
        server.settle().await;
        for tab in &tabs {
            assert_eq!(tab.connection.status(), ConnectionStatus::Open);
        }
    }
}

kit_test! {
    async fn when_the_leading_tab_goes_another_leads_and_no_acknowledged_send_is_lost() {
        let server = FakeServer::new();
        let rooms = ["rust", "wasm", "yew"];
        let (mut tabs, mut socket) = three_tabs(&server, |index| chat(rooms[index])).await;
        read(&mut socket); // the hellos
        // Each following tab sends ten; the server acknowledges the first five of each.
        let text = |tab: usize, n: u32| format!("tab{tab} #{n}");
        for n in 1..=10 {
            for (index, tab) in tabs.iter().enumerate().skip(1) {
                assert_eq!(tab.say(&text(index, n)), Sent::Relayed);
            }
        }
        server.settle().await;
        read(&mut socket);
        for n in 1..=5 {
            for tab in 1..3 {
                socket.send(format!("ok {}", text(tab, n)));
            }
        }
        server.settle().await;
        for tab in &tabs[1..] {
            assert_eq!(tab.connection.unacknowledged_len(), 5);
        }

        // The leading tab closes (or crashes): its lock goes, and so does its socket.
        let (started, wall) = (server.elapsed(), wall_ms());
        drop(tabs.remove(0));
        server.settle().await;
        assert!(!socket.is_open());
        let mut next = server.accept().await;
        server.settle().await;
        let took = server.elapsed() - started;
        assert_eq!(tabs[0].connection.tab_role(), TabRole::Leading);
        assert_eq!(tabs[1].connection.tab_role(), TabRole::Following);

        let read = read(&mut next);
        assert_eq!(
            read[..6],
            ["join wasm", "tab1 #6", "tab1 #7", "tab1 #8", "tab1 #9", "tab1 #10"],
            "the new leader: its hello, then what was not acknowledged"
        );
        let unacknowledged: Vec<String> = (6..=10).flat_map(|n| [text(1, n), text(2, n)]).collect();
        let lost: Vec<&String> = unacknowledged.iter().filter(|text| !read.contains(text)).collect();
        assert!(lost.is_empty(), "lost: {lost:?} of {} unacknowledged (read {read:?})", unacknowledged.len());
        assert!(read.contains(&"join yew".to_owned()), "the follower's hello too");
        report(&format!(
            "tabs: handover in {took:?} of virtual time ({:.1} ms of wall time); 0 of {} unacknowledged lost",
            wall_ms() - wall,
            unacknowledged.len()
        ));
    }
}

kit_test! {
    async fn without_acknowledgements_what_a_follower_queued_goes_once_through_the_new_leader() {
        let server = FakeServer::new();
        let (mut tabs, mut socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        drop(tabs.remove(0));
        server.settle().await;
        // Between the old leader and the new: the relay is down, the sends wait.
        assert_eq!(tabs[1].say("queued while nobody leads"), Sent::Queued);
        let mut next = server.accept().await;
        server.settle().await;
        assert_eq!(read(&mut next), ["queued while nobody leads"]);
        assert!(read(&mut socket).is_empty());
        assert_eq!(tabs[1].say("and then"), Sent::Relayed);
        server.settle().await;
        assert_eq!(read(&mut next), ["and then"], "none twice");
    }
}

kit_test! {
    async fn closing_the_connection_in_one_tab_breaks_nothing_in_the_others() {
        let server = FakeServer::new();
        let (mut tabs, socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        // A follower closes: its own connection ends; the shared one goes on.
        tabs[2].connection.close();
        server.settle().await;
        assert_eq!(tabs[2].connection.status(), ConnectionStatus::Closed);
        assert_eq!(tabs[2].connection.tab_role(), TabRole::Alone);
        let heard = tabs[2].heard();
        assert!(matches!(heard.last(), Some(ConnectionEvent::Closed(_))), "{heard:?}");
        assert!(socket.is_open());
        assert_eq!(tabs[1].connection.status(), ConnectionStatus::Open);

        // The leader closes: another tab leads, on a connection of its own.
        tabs[0].connection.close();
        server.settle().await;
        assert_eq!(socket.closed_by_client(), Some((1005, String::new())));
        let _next = server.accept().await;
        server.settle().await;
        assert_eq!(tabs[1].connection.tab_role(), TabRole::Leading);
        assert_eq!(tabs[1].connection.status(), ConnectionStatus::Open);
        assert_eq!(tabs[0].connection.status(), ConnectionStatus::Closed);
        tabs[1].heard();
        assert_eq!(tabs[2].heard(), [], "a closed tab hears nothing more");

        // The first comes back: it follows the new leader.
        tabs[0].connection.reconnect();
        server.settle().await;
        assert_eq!(tabs[0].connection.tab_role(), TabRole::Following);
        assert_eq!(tabs[0].connection.status(), ConnectionStatus::Open);
        assert_eq!(server.connections(), 2);
    }
}

kit_test! {
    async fn tabs_of_two_versions_of_the_app_never_share() {
        let server = FakeServer::new();
        let old = ReconnectingWebSocket::open_shared(&server.url(), ReconnectOptions::default(), "dashboard@1").unwrap();
        let new = ReconnectingWebSocket::open_shared(&server.url(), ReconnectOptions::default(), "dashboard@2").unwrap();
        let _old_socket = server.accept().await;
        let _new_socket = server.accept().await;
        server.settle().await;
        assert_eq!((old.tab_role(), new.tab_role()), (TabRole::Leading, TabRole::Leading));
        assert_eq!(server.connections(), 2);
    }
}

kit_test! {
    async fn a_connection_that_does_not_share_connects_alone() {
        let server = FakeServer::new();
        let alone = ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
        let shared = ReconnectingWebSocket::open_shared(&server.url(), ReconnectOptions::default(), APP).unwrap();
        let _one = server.accept().await;
        let _two = server.accept().await;
        server.settle().await;
        assert_eq!(alone.tab_role(), TabRole::Alone);
        assert_eq!(shared.tab_role(), TabRole::Leading);
    }
}

kit_test! {
    async fn a_following_tab_hears_the_shared_connection_not_the_leaders_own_sends() {
        let server = FakeServer::new();
        let (mut tabs, mut socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        for tab in &mut tabs {
            tab.heard();
        }
        assert_eq!(tabs[0].say("the leader's"), Sent::Now);
        server.settle().await;
        assert_eq!(read(&mut socket), ["the leader's"]);
        let leader = tabs[0].heard();
        assert!(leader.iter().any(|event| matches!(event, ConnectionEvent::Sent(_))), "{leader:?}");
        for tab in &mut tabs[1..] {
            assert_eq!(tab.heard(), [], "another tab's send is not this tab's event");
        }
    }
}

/// Options a following tab must not apply to its relay: it would ping through the leader, give
/// up, or wait out a backoff when the leader changes.
fn strict() -> ReconnectOptions {
    ReconnectOptions {
        heartbeat: Some(wasm_ws_client::Heartbeat::ping_pong(
            Duration::from_secs(1),
            Duration::from_secs(5),
        )),
        max_attempts: Some(1),
        should_reconnect: Rc::new(|_| false),
        ..ReconnectOptions::default()
    }
}

/// How many pings the server read on `socket`, answering each.
fn pings(socket: &mut ServerSocket) -> usize {
    let pings = read(socket)
        .into_iter()
        .filter(|text| text == "ping")
        .count();
    for _ in 0..pings {
        socket.send("pong");
    }
    pings
}

kit_test! {
    async fn following_tabs_leave_the_heartbeat_and_the_retries_to_the_leader() {
        let server = FakeServer::new();
        let (mut tabs, mut socket) = three_tabs(&server, |_| strict()).await;
        // Options set while following are kept for when this tab leads; the relay's stay.
        tabs[2].connection.set_options(strict()).unwrap();
        server.advance(Duration::from_secs(1)).await;
        assert_eq!(pings(&mut socket), 1, "the leader's ping only");
        server.advance(Duration::from_secs(1)).await;
        assert_eq!(pings(&mut socket), 1);

        // The leader goes: the followers' relay sockets close (1006), and they go on at once,
        // whatever their app's `should_reconnect`, `max_attempts` and backoff say.
        drop(tabs.remove(0));
        server.settle().await;
        let mut next = server.accept().await;
        server.settle().await;
        assert_eq!(tabs[0].connection.tab_role(), TabRole::Leading);
        assert_eq!(tabs[1].connection.tab_role(), TabRole::Following);
        for tab in &tabs {
            assert_eq!(tab.connection.status(), ConnectionStatus::Open);
        }
        read(&mut next);
        assert_eq!(tabs[1].say("still here"), Sent::Relayed, "its relay is open again");
        server.settle().await;
        assert_eq!(read(&mut next), ["still here"]);
        server.advance(Duration::from_secs(1)).await;
        assert_eq!(pings(&mut next), 1, "the new leader's ping only");
    }
}

kit_test! {
    async fn two_following_tabs_are_each_paced_by_their_own_messages() {
        let server = FakeServer::new();
        let paced = |_| ReconnectOptions {
            flow_control: Some(FlowControl { high_water_mark: 100, low_water_mark: 20 }),
            ..ReconnectOptions::default()
        };
        let (tabs, mut socket) = three_tabs(&server, paced).await;
        let text = |tab: usize, n: usize| format!("{tab}:{n}{}", "x".repeat(38));
        for n in 0..10 {
            tabs[1].say(&text(1, n));
            tabs[2].say(&text(2, n));
        }
        server.settle().await;
        // 41 bytes each, 100 in flight at most per tab: two of each tab's in the leader's hands.
        for tab in &tabs[1..] {
            assert_eq!(tab.connection.queued_len(), 8, "the rest waits in the tab");
        }
        let mut read_all = Vec::new();
        for _ in 0..40 {
            read_all.extend(read(&mut socket));
            server.settle().await;
        }
        for tab in 1..3 {
            let of_tab: Vec<&String> = read_all.iter().filter(|read| read.starts_with(&format!("{tab}:"))).collect();
            let expected: Vec<String> = (0..10).map(|n| text(tab, n)).collect();
            assert_eq!(of_tab, expected.iter().collect::<Vec<_>>(), "all of tab {tab}'s, in order, once");
        }
    }
}

kit_test! {
    async fn connecting_again_to_the_same_url_keeps_the_role_and_elsewhere_leaves_the_group() {
        let server = FakeServer::new();
        let (tabs, _socket) = three_tabs(&server, |_| ReconnectOptions::default()).await;
        // The leader connects again, to the same URL: it goes on leading, on a new socket.
        tabs[0].connection.connect(&server.url()).unwrap();
        let _again = server.accept().await;
        server.settle().await;
        let roles: Vec<TabRole> = tabs.iter().map(|tab| tab.connection.tab_role()).collect();
        assert_eq!(roles, [TabRole::Leading, TabRole::Following, TabRole::Following]);
        assert_eq!(server.connections(), 2);

        // It connects elsewhere: it leaves this group, and another tab leads here.
        let elsewhere = FakeServer::new();
        tabs[0].connection.connect(&elsewhere.url()).unwrap();
        elsewhere.settle().await; // its lock, in the other group
        let _there = elsewhere.accept().await;
        let _next = server.accept().await;
        server.settle().await;
        assert_eq!(tabs[1].connection.tab_role(), TabRole::Leading);
        assert_eq!(tabs[2].connection.tab_role(), TabRole::Following);
        assert_eq!(tabs[0].connection.tab_role(), TabRole::Leading, "of the other server's group");
        assert_eq!(server.connections(), 3);
    }
}
