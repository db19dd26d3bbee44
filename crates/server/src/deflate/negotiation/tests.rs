//! The negotiation module's tests.

use super::*;

const CHROMIUM: &str = "permessage-deflate; client_max_window_bits";
const FIREFOX: &str = "permessage-deflate";
const WEBKIT: &str = "permessage-deflate; client_max_window_bits";

fn settings(mode: Mode, window_bits: u8) -> Settings {
    Settings { mode, window_bits }
}

fn answer(offers: &str, settings: Settings) -> Option<String> {
    negotiate([offers], &settings).map(|agreement| agreement.response())
}

#[test]
fn the_browsers_offers_without_context_takeover() {
    let settings = settings(Mode::NoContextTakeover, 12);
    let expected = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
    for offer in [CHROMIUM, FIREFOX, WEBKIT] {
        assert_eq!(
            answer(offer, settings).as_deref(),
            Some(expected),
            "{offer}"
        );
    }
}

#[test]
fn the_browsers_offers_with_context_takeover() {
    let settings = settings(Mode::ContextTakeover, 12);
    // Chromium and WebKit accept client_max_window_bits: both windows bounded.
    assert_eq!(
        answer(CHROMIUM, settings).as_deref(),
        Some("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12")
    );
    // Firefox does not: its window cannot be bounded, so it must not take context over
    // (and the response must not name client_max_window_bits, 7.1.2.2).
    assert_eq!(
        answer(FIREFOX, settings).as_deref(),
        Some("permessage-deflate; client_no_context_takeover; server_max_window_bits=12")
    );
    // With the full window, Firefox takes context over too.
    let full = self::settings(Mode::ContextTakeover, 15);
    assert_eq!(answer(FIREFOX, full).as_deref(), Some("permessage-deflate"));
    assert_eq!(
        answer(CHROMIUM, full).as_deref(),
        Some("permessage-deflate")
    );
}

#[test]
fn off_declines_everything() {
    assert_eq!(answer(CHROMIUM, settings(Mode::Off, 15)), None);
}

#[test]
fn what_the_client_asks_for_is_honoured() {
    let takeover = settings(Mode::ContextTakeover, 12);
    let agreed = |offer: &str| negotiate([offer], &takeover).unwrap();
    // A smaller server window than ours is kept, and answered (7.1.2.1).
    let small = agreed("permessage-deflate; server_max_window_bits=10");
    assert_eq!(small.server_window_bits, 10);
    assert!(small.response().contains("server_max_window_bits=10"));
    // A larger one is lowered to ours.
    assert_eq!(
        agreed("permessage-deflate; server_max_window_bits=15").server_window_bits,
        12
    );
    // server_no_context_takeover offered: in the response (7.1.1.1).
    let fresh = agreed("permessage-deflate; server_no_context_takeover");
    assert!(fresh.server_no_context_takeover);
    assert!(fresh.response().contains("; server_no_context_takeover"));
    // client_no_context_takeover offered: used, so nothing of the client's is kept.
    assert!(agreed("permessage-deflate; client_no_context_takeover").client_no_context_takeover);
    // client_max_window_bits with a value: at most that value.
    let client = agreed("permessage-deflate; client_max_window_bits=9");
    assert_eq!(
        (client.client_window_bits, client.client_no_context_takeover),
        (9, false)
    );
    assert!(client.response().ends_with("client_max_window_bits=9"));
}

#[test]
fn the_response_never_names_client_max_window_bits_unless_offered() {
    for mode in [Mode::NoContextTakeover, Mode::ContextTakeover] {
        for bits in MIN_WINDOW_BITS..=MAX_WINDOW_BITS {
            for offer in [
                FIREFOX,
                "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; server_max_window_bits=9",
                "permessage-deflate; client_no_context_takeover",
            ] {
                let response = answer(offer, settings(mode, bits)).unwrap();
                assert!(
                    !response.contains("client_max_window_bits"),
                    "{offer} -> {response}"
                );
            }
        }
    }
}

#[test]
fn an_offer_the_server_cannot_honour_is_declined_and_the_next_one_taken() {
    let settings = settings(Mode::NoContextTakeover, 15);
    // 8 bits for the server's window: zlib cannot, so that offer is declined...
    assert_eq!(
        answer("permessage-deflate; server_max_window_bits=8", settings),
        None
    );
    // ...and the client's next offer (its fallback) is taken.
    assert_eq!(
        answer(
            "permessage-deflate; server_max_window_bits=8, permessage-deflate",
            settings
        )
        .as_deref(),
        Some("permessage-deflate; server_no_context_takeover; client_no_context_takeover")
    );
    // Across several header lines, in order.
    let agreement = negotiate(
        [
            "x-webkit-deflate-frame",
            "permessage-deflate; server_max_window_bits=9",
        ],
        &settings,
    )
    .unwrap();
    assert_eq!(agreement.server_window_bits, 9);
}

#[test]
fn invalid_offers_are_declined() {
    let settings = settings(Mode::ContextTakeover, 15);
    for offer in [
        "permessage-deflate; unknown_parameter",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=010",
        "permessage-deflate; client_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=\"1 0\"",
        "permessage-deflate; =10",
    ] {
        assert_eq!(answer(offer, settings), None, "{offer}");
    }
}

#[test]
fn quoted_values_and_spacing_follow_rfc_6455_grammar() {
    let settings = settings(Mode::ContextTakeover, 15);
    let agreement = negotiate(
        ["permessage-deflate ;server_max_window_bits=\"10\" ;  client_max_window_bits"],
        &settings,
    )
    .unwrap();
    assert_eq!(agreement.server_window_bits, 10);
    // A comma inside a quoted string does not split the list.
    assert_eq!(
        parse_offer("permessage-deflate; client_max_window_bits=\"9,\""),
        Err(Declined::Syntax)
    );
    assert_eq!(split_elements("a; b=\"x,y\", c").count(), 2);
}
