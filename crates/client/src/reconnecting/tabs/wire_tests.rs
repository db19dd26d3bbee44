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
        // A listener before the relay's reconnected at once: the event's count and the
        // status's differ, and neither overwrites the other.
        (
            ConnectionEvent::GaveUp { attempts: 5 },
            ConnectionStatus::Connecting { attempt: 0 },
        ),
        (
            ConnectionEvent::Reconnecting {
                attempt: 2,
                delay: Duration::from_millis(100),
            },
            ConnectionStatus::Failed(Error::Syntax("a URL function's bad URL".into())),
        ),
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

/// What the tabs of another build of this version read: the format itself, field by field.
#[wasm_bindgen_test]
fn the_format_is_as_written_down() {
    let event = Relayed {
        from: 7,
        said: Said::Event(
            ConnectionEvent::Closed(CloseEvent {
                code: 4001,
                reason: "bye".into(),
                was_clean: true,
            }),
            ConnectionStatus::Reconnecting {
                attempt: 3,
                delay: Duration::from_micros(1_234_567),
            },
        ),
    }
    .encode(APP);
    assert_eq!(get(&event, "v").as_f64(), Some(f64::from(RELAY_VERSION)));
    assert_eq!(RELAY_VERSION, 2);
    assert_eq!(get(&event, "app").as_string().as_deref(), Some(APP));
    assert_eq!(get(&event, "from").as_f64(), Some(7.0));
    assert_eq!(get(&event, "kind").as_string().as_deref(), Some("event"));
    assert_eq!(get(&event, "event").as_string().as_deref(), Some("closed"));
    assert_eq!(get(&event, "code").as_f64(), Some(4001.0));
    assert_eq!(get(&event, "reason").as_string().as_deref(), Some("bye"));
    assert_eq!(get(&event, "clean").as_bool(), Some(true));
    let status = status_fields(&event);
    assert_eq!(
        get(&status, "name").as_string().as_deref(),
        Some("reconnecting")
    );
    assert_eq!(get(&status, "n").as_f64(), Some(3.0));
    assert_eq!(get(&status, "ms").as_f64(), Some(1234.567));

    let failed = stands(ConnectionStatus::Failed(Error::Closed(ReadyState::Closing)));
    assert_eq!(get(&failed, "kind").as_string().as_deref(), Some("stands"));
    let status = status_fields(&failed);
    assert_eq!(get(&status, "name").as_string().as_deref(), Some("failed"));
    assert_eq!(get(&status, "error").as_string().as_deref(), Some("closed"));
    assert_eq!(get(&status, "text").as_string().as_deref(), Some("2"));

    let taken = Relayed {
        from: 7,
        said: Said::Taken { to: 9, bytes: 512 },
    }
    .encode(APP);
    assert_eq!(get(&taken, "kind").as_string().as_deref(), Some("taken"));
    assert_eq!(get(&taken, "to").as_f64(), Some(9.0));
    assert_eq!(get(&taken, "bytes").as_f64(), Some(512.0));

    let send = Relayed {
        from: 7,
        said: Said::Send(Message::from("hi")),
    }
    .encode(APP);
    assert_eq!(get(&send, "kind").as_string().as_deref(), Some("send"));
    assert_eq!(get(&send, "data").as_string().as_deref(), Some("hi"));
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

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

/// The object a status goes in.
fn status_fields(message: &JsValue) -> JsValue {
    get(message, "status")
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
    set(&status_fields(&fraction), "n", 1.5);
    assert_eq!(refused(&fraction), "\"n\" is not a count: 1.5");
    let negative = stands(ConnectionStatus::GaveUp { attempts: 1 });
    set(&status_fields(&negative), "n", -1);
    assert_eq!(refused(&negative), "\"n\" is not a count: -1");

    let no_status = stands(ConnectionStatus::Open);
    set(&no_status, "status", "open");
    assert_eq!(refused(&no_status), "no text \"name\"");
    let unknown_status = stands(ConnectionStatus::Open);
    set(&status_fields(&unknown_status), "name", "sleeping");
    assert_eq!(refused(&unknown_status), "status \"sleeping\"");
    // An event that tells no status is not one.
    let error_status = stands(ConnectionStatus::Open);
    set(&status_fields(&error_status), "name", "error");
    assert_eq!(refused(&error_status), "status \"error\"");

    let unknown_event = Relayed {
        from: 1,
        said: Said::Event(ConnectionEvent::Open, ConnectionStatus::Open),
    }
    .encode(APP);
    set(&unknown_event, "event", "sleeping");
    assert_eq!(refused(&unknown_event), "event \"sleeping\"");

    let bad_delay = stands(ConnectionStatus::Reconnecting {
        attempt: 1,
        delay: Duration::from_secs(1),
    });
    set(&status_fields(&bad_delay), "ms", -5);
    assert_eq!(refused(&bad_delay), "not a delay: -5 ms");

    let bad_error = stands(ConnectionStatus::Failed(Error::Closed(ReadyState::Closed)));
    set(&status_fields(&bad_error), "text", "9");
    assert_eq!(refused(&bad_error), "a closed error without a readyState");
    let unknown_error = stands(ConnectionStatus::Failed(Error::Js("x".into())));
    set(&status_fields(&unknown_error), "error", "cosmic-ray");
    assert_eq!(refused(&unknown_error), "error \"cosmic-ray\"");
    let no_text = stands(ConnectionStatus::Failed(Error::Js("x".into())));
    Reflect::delete_property(&status_fields(&no_text).into(), &"text".into()).unwrap();
    assert_eq!(refused(&no_text), "no text \"text\"");

    let closed = CloseEvent {
        code: 1000,
        reason: String::new(),
        was_clean: true,
    };
    let big_code = Relayed {
        from: 1,
        said: Said::Event(ConnectionEvent::Closed(closed), ConnectionStatus::Closed),
    }
    .encode(APP);
    set(&big_code, "code", 70_000);
    assert_eq!(refused(&big_code), "not a close code");

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
