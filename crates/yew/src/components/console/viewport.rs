//! Which lines of the log are in view: pure arithmetic on the log's measurements (numbers in,
//! a range of lines out), so that it is tested natively; `view.rs` reads the numbers off the
//! page.
//!
//! Lines are taken to be of one height, `pitch`, measured on the lines rendered while the log
//! follows the newest line, and kept while the reader scrolls (so that the lines in view do not
//! move under them). The rendered window is what the scroll position shows plus a screen's
//! worth on either side: its size depends on the log's height, never on how many lines are kept.

/// What the page says about the log after a render, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Measurements {
    /// The log's visible height (`clientHeight`); 0 while hidden.
    pub(super) log: f64,
    /// The page's viewport height: no more of a log taller than the page is seen.
    pub(super) page: f64,
    /// The height of the block that holds the rendered lines, padding included.
    pub(super) shown: f64,
}

/// The log's scrolling: which lines are in view, and whether it follows the newest one.
#[derive(Debug)]
pub(super) struct Viewport {
    /// Whether the log follows the newest line. Only the reader stops it, by scrolling up: the
    /// console's own scrolling only ever moves down (and `overflow-anchor: none` keeps the
    /// browser from moving the view when lines leave the top).
    pub(super) following: bool,
    /// Where the log was scrolled to, last the console knew.
    pub(super) last_top: f64,
    /// The log's visible height and a line's height, in CSS pixels, as last measured.
    height: f64,
    pitch: f64,
    /// Whether `pitch` was measured yet.
    measured: bool,
    /// The last render: how many lines were kept, the rendered ones (`first..end`), and the
    /// padding that stood for the others above and below, in whole pixels.
    len: usize,
    first: usize,
    end: usize,
    padding: (u32, u32),
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            following: true,
            last_top: 0.0,
            // Guesses until the first measurement: a tall log, short lines.
            height: 1000.0,
            pitch: 16.0,
            measured: false,
            len: 0,
            first: 0,
            end: 0,
            padding: (0, 0),
        }
    }
}

/// A render's window: the lines to render (`first..end`), and the padding, in whole pixels,
/// that stands for the others above and below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    pub(super) first: usize,
    pub(super) end: usize,
    pub(super) above: u32,
    pub(super) below: u32,
}

impl Viewport {
    /// How many lines fill the log's height.
    fn screen(&self) -> usize {
        (self.height / self.pitch) as usize + 1
    }

    /// The first line in view, out of `len`.
    fn top_line(&self, len: usize) -> usize {
        let last_screen = len.saturating_sub(self.screen());
        if self.following {
            return last_screen;
        }
        ((self.last_top / self.pitch) as usize).min(last_screen)
    }

    /// The lines to render out of `len`: `first..end`.
    fn range(&self, len: usize) -> (usize, usize) {
        let (top, screen) = (self.top_line(len), self.screen());
        (top.saturating_sub(screen), (top + 2 * screen).min(len))
    }

    /// The window to render out of `len` lines; remembered as the last render.
    pub(super) fn render(&mut self, len: usize) -> Window {
        let (first, end) = self.range(len);
        let pixels = |lines: usize| (lines as f64 * self.pitch) as u32;
        self.padding = (pixels(first), pixels(len - end));
        (self.len, self.first, self.end) = (len, first, end);
        let (above, below) = self.padding;
        Window {
            first,
            end,
            above,
            below,
        }
    }

    /// Takes the measurements of the last render. Returns whether the first measurement calls
    /// for another window than the guesses rendered.
    pub(super) fn measure(&mut self, measured: Measurements) -> bool {
        // A hidden log (`display: none`) measures 0: keep what was known. A log without a
        // height of its own grows with its lines: no more than the page's viewport is seen of
        // it.
        if measured.log > 0.0 {
            self.height = if measured.page > 0.0 {
                measured.log.min(measured.page)
            } else {
                measured.log
            };
        }
        let rendered = self.end - self.first;
        let (above, below) = self.padding;
        let block = measured.shown - f64::from(above) - f64::from(below);
        if !self.following || rendered == 0 || block <= 0.0 {
            return false;
        }
        self.pitch = (block / rendered as f64).max(1.0);
        let first = !std::mem::replace(&mut self.measured, true);
        first && self.range(self.len) != (self.first, self.end)
    }

    /// The log is scrolled to `top`, out of `bottom` (`scrollHeight - clientHeight`): the
    /// reader's doing, or the browser's. Returns whether lines now in view were not rendered:
    /// against the lines of the last render, since lines kept since have their own render
    /// coming.
    pub(super) fn scrolled(&mut self, top: f64, bottom: f64) -> bool {
        let len = self.len;
        if top + 1.0 < self.last_top {
            self.following = false;
        }
        if top >= bottom - 2.0 {
            self.following = true;
        }
        self.last_top = top;
        let wanted = self.top_line(len);
        wanted < self.first || (wanted + self.screen()).min(len) > self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log 300 px high on a 900 px page, lines of 20 px.
    fn measured(viewport: &Viewport, window: Window) -> Measurements {
        let lines = (window.end - window.first) as f64;
        let _ = viewport;
        Measurements {
            log: 300.0,
            page: 900.0,
            shown: lines * 20.0 + f64::from(window.above) + f64::from(window.below),
        }
    }

    #[test]
    fn a_hundred_thousand_lines_render_a_window_of_three_screens_at_the_bottom() {
        let mut viewport = Viewport::default();
        let window = viewport.render(100_000);
        // The guesses (1000 px, 16 px lines) render 63 lines a screen.
        assert_eq!(window.end, 100_000);
        let sizes = measured(&viewport, window);
        assert!(
            viewport.measure(sizes),
            "the first measurement calls for another window"
        );
        let window = viewport.render(100_000);
        // 300 px of 20 px lines: 16 lines a screen, one screen above the one in view.
        assert_eq!((window.first, window.end), (100_000 - 32, 100_000));
        assert_eq!(window.above, (100_000 - 32) as u32 * 20);
        assert_eq!(window.below, 0);
    }

    #[test]
    fn a_reader_who_scrolls_up_stops_the_following_and_sees_the_lines_there() {
        let mut viewport = Viewport::default();
        let window = viewport.render(100_000);
        viewport.measure(measured(&viewport, window));
        viewport.render(100_000);
        let bottom = 100_000.0 * 20.0 - 300.0;
        viewport.scrolled(bottom, bottom);
        // Up to line 50,000: outside the window rendered.
        assert!(
            viewport.scrolled(50_000.0 * 20.0, bottom),
            "a new window is needed"
        );
        assert!(!viewport.following);
        let window = viewport.render(100_000);
        assert_eq!((window.first, window.end), (50_000 - 16, 50_000 + 32));
        // More lines come: the reader's lines stay where they are.
        let window = viewport.render(100_100);
        assert_eq!((window.first, window.end), (50_000 - 16, 50_000 + 32));
        // Back at the bottom: following again.
        let bottom = 100_100.0 * 20.0 - 300.0;
        assert!(viewport.scrolled(bottom, bottom));
        assert!(viewport.following);
    }

    #[test]
    fn a_resize_changes_the_window_and_a_hidden_log_keeps_what_was_known() {
        let mut viewport = Viewport::default();
        let window = viewport.render(1_000);
        viewport.measure(measured(&viewport, window));
        let window = viewport.render(1_000);
        assert_eq!(window.end - window.first, 32);
        // Twice as high: twice as many lines.
        let sizes = Measurements {
            log: 600.0,
            ..measured(&viewport, window)
        };
        viewport.measure(sizes);
        let window = viewport.render(1_000);
        assert_eq!(window.end - window.first, 62);
        // Hidden: every size reads 0, and the window stays.
        viewport.measure(Measurements {
            log: 0.0,
            page: 900.0,
            shown: 0.0,
        });
        assert_eq!(viewport.render(1_000), window);
        // Taller than the page: only the page's height is seen.
        let sizes = Measurements {
            log: 5_000.0,
            ..measured(&viewport, window)
        };
        viewport.measure(sizes);
        let window = viewport.render(1_000);
        assert_eq!(window.end - window.first, 2 * (900 / 20 + 1));
    }

    #[test]
    fn few_lines_render_all() {
        let mut viewport = Viewport::default();
        let window = viewport.render(3);
        assert_eq!(
            (window.first, window.end, window.above, window.below),
            (0, 3, 0, 0)
        );
        assert!(!viewport.scrolled(0.0, 0.0));
    }
}
