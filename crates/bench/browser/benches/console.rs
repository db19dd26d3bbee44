//! `WebSocketConsole` under a flood, against a raw JS page that only counts the same flood, in
//! the same headless-Chromium page: messages per second, DOM commits (renders) per second, and
//! the longest task the page saw. The console is mounted as an outside app would mount it,
//! through the public API only; it has processed the flood when its log shows the close that
//! follows the last message. A benchmark: it prints figures and judges nothing. Run by
//! `scripts/bench.sh`; prints Markdown table rows starting with `| console`.

use std::{cell::Cell, rc::Rc};

use bench_browser::{median, now, raw_flood};
use futures_channel::oneshot;
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};
use wasm_ws_test_support::{new_root, SERVER};
use wasm_ws_yew::{WebSocketConsole, WebSocketConsoleProps};

wasm_bindgen_test_configure!(run_in_browser);

/// Messages in the flood; `WASM_WS_CONSOLE_FLOOD` at compile time changes it (a console that
/// renders once per message blocks the page for longer than the test runner waits at 20,000).
const FLOOD: u32 = match option_env!("WASM_WS_CONSOLE_FLOOD") {
    Some(count) => match u32::from_str_radix(count, 10) {
        Ok(count) => count,
        Err(_) => panic!("WASM_WS_CONSOLE_FLOOD is not a number"),
    },
    None => 20_000,
};
const SIZE: usize = 16;
const RUNS: usize = 3;

#[wasm_bindgen(inline_js = r#"
// The longest task (Long Tasks API, Chromium) seen from now until `stop()` is called.
export function watch_long_tasks() {
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: "longtask" });
  return () => { observer.disconnect(); return longest; };
}
"#)]
extern "C" {
    fn watch_long_tasks() -> js_sys::Function;
}

struct ConsoleRun {
    messages_per_second: f64,
    commits_per_second: f64,
    longest_task_ms: f64,
}

/// Mounts a console on the flood; measures from its first commit to the close line.
async fn console_flood(url: &str) -> ConsoleRun {
    let root = new_root();

    // Every DOM commit of the console is one MutationObserver callback.
    let commits = Rc::new(Cell::new(0u32));
    let (done, finished) = oneshot::channel::<f64>();
    let done = Rc::new(Cell::new(Some(done)));
    let (counted, watched) = (commits.clone(), root.clone());
    let observer_callback =
        Closure::<dyn FnMut(js_sys::Array, web_sys::MutationObserver)>::new(move |_, _| {
            counted.set(counted.get() + 1);
            let closed = watched
                .query_selector_all(".wsc-info")
                .map(|lines| {
                    (0..lines.length()).any(|i| {
                        lines
                            .item(i)
                            .and_then(|line| line.text_content())
                            .is_some_and(|text| text.starts_with("connection closed"))
                    })
                })
                .unwrap_or(false);
            if closed {
                if let Some(done) = done.take() {
                    let _ = done.send(now());
                }
            }
        });
    let observer =
        web_sys::MutationObserver::new(observer_callback.as_ref().unchecked_ref()).unwrap();
    let options = web_sys::MutationObserverInit::new();
    options.set_subtree(true);
    options.set_child_list(true);
    options.set_character_data(true);
    observer.observe_with_options(&root, &options).unwrap();

    let stop_watching = watch_long_tasks();
    let started = now();
    let app = yew::Renderer::<WebSocketConsole>::with_root_and_props(
        root.clone(),
        WebSocketConsoleProps {
            url: url.to_owned().into(),
            ..console_props()
        },
    )
    .render();
    let ended = finished.await.unwrap();
    let longest = stop_watching
        .call0(&JsValue::NULL)
        .unwrap()
        .as_f64()
        .unwrap();
    observer.disconnect();
    app.destroy();
    root.remove();
    let seconds = (ended - started) / 1000.0;
    ConsoleRun {
        messages_per_second: f64::from(FLOOD) / seconds,
        commits_per_second: f64::from(commits.get()) / seconds,
        longest_task_ms: longest,
    }
}

/// The console's default properties, for the fields a run does not set.
fn console_props() -> WebSocketConsoleProps {
    yew::props!(WebSocketConsoleProps { url: "" })
}

fn cell(values: Vec<f64>) -> String {
    let (median, min, max) = median(values);
    format!("{median:.0} ({min:.0}–{max:.0})")
}

/// The measurement is our own (alternating runs, medians), not the runner's Criterion.
#[wasm_bindgen_bench]
async fn console_against_a_raw_js_counter(_: &mut Criterion) {
    let url = format!("{SERVER}/websocket/flood?count={FLOOD}&size={SIZE}");
    let (mut console, mut commits, mut longest, mut raw) = (vec![], vec![], vec![], vec![]);
    for run in 0..RUNS {
        let console_first = run % 2 == 0;
        for ours in [console_first, !console_first] {
            if ours {
                let measured = console_flood(&url).await;
                console.push(measured.messages_per_second);
                commits.push(measured.commits_per_second);
                longest.push(measured.longest_task_ms);
            } else {
                let ms = raw_flood(&url, FLOOD).await;
                raw.push(f64::from(FLOOD) / ms * 1000.0);
            }
        }
    }
    let ratio = median(console.clone()).0 / median(raw.clone()).0;
    let lines = [
        "| console metric | WebSocketConsole | raw JS counter | console / raw |".to_owned(),
        "|---|---|---|---|".to_owned(),
        format!(
            "| console: {FLOOD} × {SIZE} B flood (msg/s) | {} | {} | {ratio:.2} |",
            cell(console),
            cell(raw)
        ),
        format!(
            "| console: DOM commits per second (a render each) | {} | | |",
            cell(commits)
        ),
        format!("| console: longest task (ms) | {} | | |", cell(longest)),
    ];
    for line in lines {
        web_sys::console::log_1(&line.into());
    }
}
