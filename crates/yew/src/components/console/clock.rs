//! When the log renders: however many lines come in an animation frame, they render once; a
//! line about the connection renders at the next frame, and under a flood messages render 20
//! times a second.

use std::{cell::RefCell, rc::Rc};

use gloo_render::{request_animation_frame, AnimationFrame};
use yew::prelude::*;

/// The least time between two renders for new messages, in milliseconds. A message that comes
/// after a quiet spell renders at the next animation frame; under a flood the log renders 20
/// times a second rather than at every frame: each render makes the browser lay out and paint
/// the log again, which costs more than all the messages of a frame.
const RENDER_INTERVAL: f64 = 50.0;

/// The render clock of one console.
#[derive(Default)]
pub(super) struct RenderClock {
    state: Rc<RefCell<Ticking>>,
}

#[derive(Default)]
struct Ticking {
    /// The animation frame asked for, if one is pending.
    frame: Option<AnimationFrame>,
    /// When the lines last rendered (the animation frame's time).
    rendered_at: f64,
}

impl RenderClock {
    /// Asks for a render of new lines: at the next animation frame if `urgent` (what happens
    /// to the connection), otherwise at the first at least [`RENDER_INTERVAL`] after the last
    /// render, unless one is asked for already.
    pub(super) fn request(&self, rerender: &UseForceUpdateHandle, urgent: bool) {
        let mut ticking = self.state.borrow_mut();
        if ticking.frame.is_none() || urgent {
            ticking.frame = Some(next_render(
                Rc::downgrade(&self.state),
                rerender.clone(),
                urgent,
            ));
        }
    }
}

fn next_render(
    state: std::rc::Weak<RefCell<Ticking>>,
    rerender: UseForceUpdateHandle,
    urgent: bool,
) -> AnimationFrame {
    request_animation_frame(move |time| {
        let Some(shared) = state.upgrade() else {
            return;
        };
        let mut ticking = shared.borrow_mut();
        if !urgent && time - ticking.rendered_at < RENDER_INTERVAL {
            ticking.frame = Some(next_render(state, rerender, false));
            return;
        }
        ticking.rendered_at = time;
        ticking.frame = None;
        drop(ticking);
        rerender.force_update();
    })
}
