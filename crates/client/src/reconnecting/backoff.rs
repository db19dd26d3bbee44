//! How long to wait before the next reconnection attempt.

use std::time::Duration;

/// Exponential backoff with jitter: attempt `n` (counting from 1) waits
/// `initial * factor^(n-1)`, capped at `max`, then scaled by a random factor in
/// `[1 - jitter, 1 + jitter]` so that many clients cut at once do not return at once.
///
/// ```
/// use std::time::Duration;
/// use wasm_ws_client::Backoff;
///
/// let backoff = Backoff { jitter: 0.0, ..Backoff::default() };
/// assert_eq!(backoff.delay(1, 0.5), Duration::from_secs(1));
/// assert_eq!(backoff.delay(3, 0.5), Duration::from_secs(4));
/// assert_eq!(backoff.delay(30, 0.5), Duration::from_secs(30)); // capped
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The delay before the first reconnection attempt. Default: 1 s.
    pub initial: Duration,
    /// The longest delay. Default: 30 s.
    pub max: Duration,
    /// How much each delay grows over the previous one. Default: 2.
    pub factor: f64,
    /// The random spread, as a fraction of the delay: 0 for none, 0.2 for ±20 %. Default: 0.2.
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
            factor: 2.0,
            jitter: 0.2,
        }
    }
}

impl Backoff {
    /// The same `delay` before every attempt, without jitter.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wasm_ws_client::Backoff;
    ///
    /// let backoff = Backoff::constant(Duration::from_millis(500));
    /// assert_eq!(backoff.delay(1, 0.9), Duration::from_millis(500));
    /// assert_eq!(backoff.delay(10, 0.1), Duration::from_millis(500));
    /// ```
    pub fn constant(delay: Duration) -> Self {
        Self {
            initial: delay,
            max: delay,
            factor: 1.0,
            jitter: 0.0,
        }
    }

    /// The delay before attempt `attempt` (1 for the first reconnection), given a uniform
    /// random number in `[0, 1)`.
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(1024) as i32;
        let base = (self.initial.as_secs_f64() * self.factor.max(1.0).powi(exponent))
            .min(self.max.as_secs_f64());
        let jitter = self.jitter.clamp(0.0, 1.0);
        let scale = 1.0 - jitter + 2.0 * jitter * random.clamp(0.0, 1.0);
        // Whole microseconds: `from_secs_f64` would bring its overflow panic and float printing.
        Duration::from_micros((base * scale * 1e6).max(0.0) as u64)
    }
}
