//! `GET /websocket/test`: the seed's sample endpoint.
//!
//! On open it greets with [`GREETING`]; then, while the socket is open, it pushes a random number
//! in [0, 1) with two decimals every push interval, and echoes every message. One task per
//! connection runs a `select!` loop over the pushes and the incoming messages, as in actix's
//! `echo-actorless` example.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use tokio::time::{self, Instant, MissedTickBehavior};

use crate::connection::{Connection, End, Shared};

/// The seed's greeting ("connected successfully"), sent first on every connection.
pub const GREETING: &str = "连接成功";

/// Settings the endpoint reads from the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Time between two pushes.
    pub push_interval: Duration,
}

/// Accepts the connection and spawns its task.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
    settings: web::Data<Settings>,
) -> HttpResponse {
    let push_interval = settings.push_interval;
    Connection::serve(
        "sample",
        &request,
        body,
        &shared,
        &[],
        async move |connection| serve(connection, push_interval).await,
    )
}

async fn serve(connection: &mut Connection, push_interval: Duration) -> End {
    if let Err(end) = connection.send_text(GREETING).await {
        return end;
    }
    let mut pushes = time::interval_at(Instant::now() + push_interval, push_interval);
    // A push that could not go out on time is sent late, not in a burst of catch-up pushes.
    pushes.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        let step = tokio::select! {
            _ = pushes.tick() => connection.send_text(random_push()).await,
            incoming = connection.next() => match incoming {
                Ok(incoming) => connection.echo(incoming).await,
                Err(end) => Err(end),
            },
        };
        if let Err(end) = step {
            return end;
        }
    }
}

/// A random number in [0, 1) with exactly two decimals, like the seed's
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
