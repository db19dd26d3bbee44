//! `GET /websocket/test`: the sample's endpoint, as the tutorial's express-ws backend serves it.
//!
//! On open it greets with [`GREETING`]; then, while the socket is open, it pushes a random number
//! in [0, 1) with two decimals every push interval, and echoes every message. Each
//! connection runs a `select!` loop over the pushes and the incoming messages, as in actix's
//! `echo-actorless` example.

use std::time::Duration;

use tokio::time::{self, Instant, MissedTickBehavior};

use super::plain;
use crate::connection::{Connection, Ended, Endpoint, Upgrade};

/// `/websocket/test`.
pub const ENDPOINT: Endpoint = plain("sample", "/websocket/test");

/// The sample's greeting ("connected successfully"), sent first on every connection.
pub const GREETING: &str = "连接成功";

/// Settings the endpoint reads from the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Time between two pushes.
    pub push_interval: Duration,
}

/// Accepts the connection and serves it.
pub async fn handler(upgrade: Upgrade, settings: Settings) {
    ENDPOINT
        .accept(upgrade, async move |connection| {
            serve(connection, settings.push_interval).await
        })
        .await
}

async fn serve(connection: &mut Connection, push_interval: Duration) -> Ended {
    connection.send_text(GREETING).await?;
    let mut pushes = time::interval_at(Instant::now() + push_interval, push_interval);
    // A push that could not go out on time is sent late, not in a burst of catch-up pushes.
    pushes.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = pushes.tick() => connection.send_text(random_push()).await?,
            incoming = connection.next() => connection.echo(incoming?).await?,
        }
    }
}

/// A random number in [0, 1) with exactly two decimals, like the tutorial's
/// `Math.random().toFixed(2)` but never rounded up to `1.00`.
fn random_push() -> String {
    format!("0.{:02}", fastrand::u8(0..100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_have_two_decimals_below_one() {
        for _ in 0..1000 {
            let push = random_push();
            assert_eq!(push.len(), 4, "{push}");
            let value: f64 = push.parse().unwrap();
            assert!((0.0..1.0).contains(&value), "{push}");
        }
    }
}
