//! The wire codec in a browser (it builds JS objects): every kind of message, every status and
//! every relayed event come back as they went; a message of another version, or malformed, is
//! refused with a reason, never a panic.

use std::time::Duration;

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use super::relay::{Relayed, Said, RELAY_VERSION};
use crate::{CloseEvent, ConnectionEvent, ConnectionStatus, Error, Message, ReadyState};

wasm_bindgen_test_configure!(run_in_browser);

const APP: &str = "1.2.3";

fn round_trip(said: Said) {
    let relayed = Relayed { from: 42, said };
    let decoded = Relayed::decode(&relayed.encode(APP), APP);
    assert_eq!(decoded.as_ref(), Ok(&relayed), "{relayed:?}");
}

fn errors() -> Vec<Error> {
    vec![
        Error::Syntax("bad URL".into()),
        Error::InvalidAccess("code 1001".into()),
        Error::InvalidState("connecting".into()),
        Error::Security("mixed content".into()),
        Error::Closed(ReadyState::Closing),
        Error::Js("TypeError".into()),
    ]
}

fn statuses() -> Vec<ConnectionStatus> {
    let mut statuses = vec![
        ConnectionStatus::Idle,
        ConnectionStatus::Connecting { attempt: 0 },
        ConnectionStatus::Connecting { attempt: 7 },
        ConnectionStatus::Open,
        ConnectionStatus::Reconnecting {
            attempt: 3,
            delay: Duration::from_micros(1_234_567),
        },
        ConnectionStatus::GaveUp { attempts: 10 },
        ConnectionStatus::Offline,
        ConnectionStatus::Closing,
        ConnectionStatus::Closed,
    ];
    statuses.extend(errors().into_iter().map(ConnectionStatus::Failed));
    statuses
}

/// The events a leader relays, each with a status that may follow it.
fn events() -> Vec<(ConnectionEvent, ConnectionStatus)> {
    let closed = CloseEvent {
        code: 4001,
        reason: "going away, ünïcode".into(),
        was_clean: true,
    };
    let mut events = vec![
        (
            ConnectionEvent::Connecting { attempt: 2 },
            ConnectionStatus::Connecting { attempt: 2 },
        ),
        (ConnectionEvent::Open, ConnectionStatus::Open),
        (ConnectionEvent::Error, ConnectionStatus::Closed),
        (
            ConnectionEvent::Closed(closed.clone()),
            ConnectionStatus::Closed,
        ),
        (
            ConnectionEvent::Closed(CloseEvent {
                was_clean: false,
                ..closed
            }),
            ConnectionStatus::Reconnecting {
                attempt: 1,
                delay: Duration::from_millis(250),
            },
        ),
        (
            ConnectionEvent::Reconnecting {
                attempt: 4,
                delay: Duration::from_nanos(2_500_000),
            },
            ConnectionStatus::Reconnecting {
                attempt: 4,
                delay: Duration::from_nanos(2_500_000),
            },
        ),
        (
            ConnectionEvent::GaveUp { attempts: 5 },
            ConnectionStatus::GaveUp { attempts: 5 },
        ),
        (ConnectionEvent::Offline, ConnectionStatus::Offline),
    ];
    events.extend(errors().into_iter().map(|error| {
        (
            ConnectionEvent::Failed(error.clone()),
            ConnectionStatus::Failed(error),
        )
    }));
    events
}

#[wasm_bindgen_test]
fn every_kind_of_message_comes_back_as_it_went() {
    round_trip(Said::Leader);
    round_trip(Said::Join);
    for status in statuses() {
        round_trip(Said::Stands(status));
    }
    for (event, status) in events() {
        round_trip(Said::Event(event, status));
    }
    for message in [
        Message::from("連接成功"),
        Message::from(""),
        Message::from(vec![0u8, 1, 255]),
        Message::from(Vec::<u8>::new()),
    ] {
        round_trip(Said::Message(message.clone()));
        round_trip(Said::Send(message));
    }
    round_trip(Said::Taken {
        to: (1 << 53) - 1,
        bytes: 65_536,
    });
}

fn refused(object: &JsValue) -> String {
    Relayed::decode(object, APP).expect_err("refused")
}

fn set(object: &JsValue, key: &str, value: impl Into<JsValue>) {
    Reflect::set(object, &key.into(), &value.into()).unwrap();
}

fn stands(status: ConnectionStatus) -> JsValue {
    Relayed {
        from: 1,
        said: Said::Stands(status),
    }
    .encode(APP)
}

#[wasm_bindgen_test]
fn another_version_or_a_malformed_message_is_refused_with_a_reason() {
    let leader = Relayed {
        from: 1,
        said: Said::Leader,
    };
    assert_eq!(
        Relayed::decode(&leader.encode("2.0.0"), APP),
        Err("app version \"2.0.0\", not \"1.2.3\"".into())
    );
    let other_relay = leader.encode(APP);
    set(&other_relay, "v", RELAY_VERSION + 1);
    assert!(refused(&other_relay).starts_with("relay version"));
    assert_eq!(refused(&JsValue::from_str("hello")), "not an object");
    assert_eq!(refused(&Object::new().into()), "no number \"v\"");

    let unknown = leader.encode(APP);
    set(&unknown, "kind", "shout");
    assert_eq!(refused(&unknown), "kind \"shout\"");

    let fraction = stands(ConnectionStatus::Connecting { attempt: 1 });
    set(&fraction, "n", 1.5);
    assert_eq!(refused(&fraction), "\"n\" is not a count: 1.5");
    let negative = stands(ConnectionStatus::GaveUp { attempts: 1 });
    set(&negative, "n", -1);
    assert_eq!(refused(&negative), "\"n\" is not a count: -1");

    let no_status = stands(ConnectionStatus::Open);
    set(&no_status, "status", "sleeping");
    assert_eq!(refused(&no_status), "event \"sleeping\"");
    // An event that tells no status is not one.
    let error_status = stands(ConnectionStatus::Open);
    set(&error_status, "status", "error");
    assert_eq!(refused(&error_status), "status \"error\"");

    let bad_delay = stands(ConnectionStatus::Reconnecting {
        attempt: 1,
        delay: Duration::from_secs(1),
    });
    set(&bad_delay, "ms", -5);
    assert_eq!(refused(&bad_delay), "not a delay: -5 ms");

    let bad_error = stands(ConnectionStatus::Failed(Error::Closed(ReadyState::Closed)));
    set(&bad_error, "text", "9");
    assert_eq!(refused(&bad_error), "a closed error without a readyState");

    let no_data = Relayed {
        from: 1,
        said: Said::Send(Message::from("x")),
    }
    .encode(APP);
    set(&no_data, "data", 12);
    assert_eq!(
        refused(&no_data),
        "data is neither text, an ArrayBuffer nor a Blob"
    );
}
