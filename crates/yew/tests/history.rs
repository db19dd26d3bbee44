//! `use_message_history` in a real browser against the real server: a burst of thousands of
//! messages is kept without a loss (the total counts them all, the last `capacity` are kept in
//! order) and renders at most once per animation frame; `clear()` keeps the total and the ids
//! going.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{cell::RefCell, rc::Rc};

use futures_channel::mpsc::{self, UnboundedSender};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wasm_ws_test_support::{endpoint, new_root, next_within, wait_for_dom, PATIENCE};
use wasm_ws_yew::{
    use_message_history, use_websocket, HistoryOptions, Message, UseMessageHistoryHandle,
    UseWebSocketOptions,
};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// Counts animation frames until stopped.
export function count_frames() {
  const counter = { frames: 0, running: true };
  const tick = () => { if (!counter.running) return; counter.frames += 1; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  return () => { counter.running = false; return counter.frames; };
}
"#)]
extern "C" {
    fn count_frames() -> js_sys::Function;
}

/// The burst endpoint's most (`burst::MAX_COUNT`).
const PAIRS: u32 = 1000;
const CAPACITY: usize = 100;

#[derive(Properties, Clone)]
struct ProbeProps {
    renders: UnboundedSender<()>,
    history: Rc<RefCell<Option<UseMessageHistoryHandle<u32>>>>,
}

impl PartialEq for ProbeProps {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The burst endpoint's text messages are the odd numbers 1, 3, 5...; binary ones are skipped
/// by the filter.
#[function_component]
fn Probe(props: &ProbeProps) -> Html {
    let history = use_message_history(HistoryOptions::keeping(CAPACITY, |message: Message| {
        message.as_text()?.parse::<u32>().ok()
    }));
    *props.history.borrow_mut() = Some(history.clone());
    let _ = props.renders.unbounded_send(());
    use_websocket(
        endpoint(&format!("burst?count={PAIRS}&size=8")),
        UseWebSocketOptions {
            on_message: Some(history.record()),
            ..Default::default()
        },
    );
    let first = history.entries().front().map(|entry| entry.id);
    html! {
        <p>{ format!("total {} kept {} first {:?}", history.total(), history.len(), first) }</p>
    }
}

#[wasm_bindgen_test]
async fn a_burst_is_kept_without_a_loss_and_renders_at_most_once_per_frame() {
    let (renders_sender, mut renders) = mpsc::unbounded();
    let cell = Rc::new(RefCell::new(None));
    let root = new_root();
    let stop_counting = count_frames();
    let app = yew::Renderer::<Probe>::with_root_and_props(
        root.clone(),
        ProbeProps {
            renders: renders_sender,
            history: cell.clone(),
        },
    )
    .render();
    next_within(&mut renders, PATIENCE, "the first render").await;
    let expected = format!(
        "total {PAIRS} kept {CAPACITY} first Some({})",
        PAIRS as usize - CAPACITY
    );
    wait_for_dom(&root, &expected, || {
        root.text_content().unwrap_or_default() == expected
    })
    .await;
    let frames = stop_counting
        .call0(&JsValue::NULL)
        .unwrap()
        .as_f64()
        .unwrap() as usize;
    let mut rendered = 1;
    while renders.try_recv().is_ok() {
        rendered += 1;
    }
    web_sys::console::log_1(
        &format!("history: {PAIRS} kept messages, {rendered} renders in {frames} frames").into(),
    );
    // The first render, the effect's state updates, then at most one per frame.
    assert!(
        rendered <= frames + 3,
        "{rendered} renders in {frames} frames"
    );

    let history = cell.borrow().clone().unwrap();
    let kept: Vec<u32> = history.entries().iter().map(|entry| entry.value).collect();
    let last: Vec<u32> = (0..PAIRS)
        .map(|pair| 2 * pair + 1)
        .skip(PAIRS as usize - CAPACITY)
        .collect();
    assert_eq!(kept, last, "the newest ones, in order");

    history.clear();
    assert_eq!((history.len(), history.total()), (0, u64::from(PAIRS)));
    history.push(7);
    assert_eq!(
        history.entries().front().map(|entry| entry.id),
        Some(u64::from(PAIRS)),
        "ids go on counting"
    );
    app.destroy();
}
