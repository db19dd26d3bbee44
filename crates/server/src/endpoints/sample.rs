//! `GET /websocket/test`: the seed's sample endpoint.
//!
//! On open it greets with [`GREETING`]; then, while the socket is open, it pushes a random number
//! in [0, 1) with two decimals every push interval; it echoes every message ([`super::echo`]).
//! One task per connection runs a `select!` loop over the pushes and the incoming messages, as
//! in actix's `echo-actorless` example.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessageStream, CloseReason, Session};
use tokio::time::{self, Instant, MissedTickBehavior};

use super::{echo, finish, spawn_logged, upgrade, Next};

/// The seed's greeting ("connected successfully"), sent first on every connection.
pub const GREETING: &str = "连接成功";

/// Settings the endpoint reads from the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Time between two pushes.
    pub push_interval: Duration,
}

/// Upgrades the request and spawns the connection's task.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    settings: web::Data<Settings>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, messages) = upgrade(&request, body)?;
    spawn_logged(
        "sample",
        &request,
        run(session, messages, settings.push_interval),
    );
    Ok(response)
}

/// Serves one connection until it closes; returns the close reason sent to the client, if any.
async fn run(
    mut session: Session,
    mut messages: AggregatedMessageStream,
    push_interval: Duration,
) -> Option<CloseReason> {
    session.text(GREETING).await.ok()?;

    let mut pushes = time::interval_at(Instant::now() + push_interval, push_interval);
    // A push that could not go out on time is sent late, not in a burst of catch-up pushes.
    pushes.set_missed_tick_behavior(MissedTickBehavior::Delay);

    let next = loop {
        let next = tokio::select! {
            _ = pushes.tick() => match session.text(random_push()).await {
                Ok(()) => Next::Continue,
                Err(_) => Next::Gone,
            },
            message = messages.recv() => echo(&mut session, message).await,
        };
        if !matches!(next, Next::Continue) {
            break next;
        }
    };
    finish(session, next).await
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
