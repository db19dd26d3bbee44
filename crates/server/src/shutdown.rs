//! Shutting down gracefully: every WebSocket client gets a Close with 1001 ("going away")
//! before the server stops, on SIGTERM, Ctrl-C, or when asked through a [`ShutdownHandle`].
//!
//! Draining, in order: new handshakes get 503 and `/healthz` says `draining` (a load balancer
//! sends the next clients elsewhere); each connection answers what it has already received,
//! then sends its 1001 (at a random moment within `--drain-window`, if one is set); the server
//! stops once every connection has gone, or the grace period has run out.

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use crate::admission::Admission;

/// How long shutdown waits, after the drain window, for every client to receive its 1001 Close
/// before the server stops. Clients that read get theirs within milliseconds; this only bounds
/// slow ones.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Shuts the server down: every WebSocket client receives a Close with 1001 ("going away"),
/// then the server stops accepting and exits.
#[derive(Clone)]
pub struct ShutdownHandle {
    pub(crate) signal: Arc<watch::Sender<bool>>,
    pub(crate) admission: Arc<Admission>,
    pub(crate) server: actix_web::dev::ServerHandle,
    pub(crate) drain_window: Duration,
}

impl ShutdownHandle {
    /// Refuses new handshakes, closes every connection with 1001 (spread over the drain
    /// window), waits up to the window and [`SHUTDOWN_GRACE`] for them to go, then stops the
    /// server.
    pub async fn shutdown(&self) {
        let open = self.admission.open_connections();
        self.admission.start_draining();
        self.signal.send_replace(true);
        // After the switch: whoever reads this line finds the server draining.
        tracing::info!(open, drain_window = ?self.drain_window, "shutting down: draining, then 1001 to every connection");
        let grace = self.drain_window + SHUTDOWN_GRACE;
        let _ = tokio::time::timeout(grace, self.admission.all_closed()).await;
        // Graceful: connections whose Close is queued but not yet written get to flush it
        // (actix bounds this by the shutdown timeout).
        self.server.stop(true).await;
    }

    /// Shuts down on the first Ctrl-C or SIGTERM.
    pub async fn on_signal(self) {
        wait_for_signal().await;
        self.shutdown().await;
    }
}

#[cfg(unix)]
async fn wait_for_signal() {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = actix_web::rt::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(_) => {
            let _ = actix_web::rt::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = actix_web::rt::signal::ctrl_c().await;
}
