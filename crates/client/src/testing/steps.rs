//! How a step waits: it runs what the fake network has pending, then lets the executor run the
//! app's own tasks (a spawned future, a Yew render), a bounded number of times. Nothing here
//! waits for real time.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

/// How many times a step lets the executor run the other tasks before it concludes that what
/// it waits for will not come: enough for chains of spawned futures and Yew's renders (each
/// takes one or two), while a step that fails still fails at once.
const TURNS: u32 = 64;

/// Lets the executor run the other tasks once: the future wakes itself and is pending once.
pub(super) async fn yield_once() {
    YieldOnce { yielded: false }.await;
}

struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// In the browser, after [`TURNS`] turns of the executor, how many times a step also lets the
/// browser run a task of its own (a 0 ms timer) before it concludes: what the app waits on may
/// come from one (a render a busy page put off). Together well under a second.
#[cfg(target_arch = "wasm32")]
const BROWSER_TASKS: u32 = 16;

/// What `ready` finds, trying after running `settle` and between turns of the executor (and,
/// in the browser, of its event loop); `None` if it finds nothing within them.
pub(super) async fn until<T>(
    mut settle: impl FnMut(),
    mut ready: impl FnMut() -> Option<T>,
) -> Option<T> {
    for _ in 0..=TURNS {
        settle();
        if let Some(found) = ready() {
            return Some(found);
        }
        yield_once().await;
    }
    #[cfg(target_arch = "wasm32")]
    for _ in 0..BROWSER_TASKS {
        gloo_timers::future::TimeoutFuture::new(0).await;
        for _ in 0..TURNS / 8 {
            settle();
            if let Some(found) = ready() {
                return Some(found);
            }
            yield_once().await;
        }
    }
    None
}

/// Lets the app's pending tasks run: [`until`] nothing is left to find.
pub(super) async fn settle(mut settle: impl FnMut()) {
    for _ in 0..TURNS / 8 {
        settle();
        yield_once().await;
    }
    settle();
}
