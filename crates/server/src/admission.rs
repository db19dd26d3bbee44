//! Who may open a WebSocket: the Origin check (RFC 6455 section 10.2, against cross-site
//! WebSocket hijacking) and the connection caps. Both run before the handshake, so a refused
//! client costs one HTTP response and no connection state.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use actix_http::{header, RequestHead, StatusCode};
use actix_web::HttpResponse;
use tokio::sync::Notify;

use crate::{client_address::TrustedProxies, config::Limits};

/// Why a handshake was refused; becomes the HTTP answer and a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The Origin is not allowed (403).
    Origin(Option<String>),
    /// The server holds its maximum of connections (503).
    ServerFull,
    /// This address holds its maximum of connections (429).
    AddressFull(IpAddr),
    /// The server is shutting down (503): a load balancer tries another instance.
    Draining,
}

impl Refusal {
    /// The HTTP response for the refused handshake.
    pub fn response(&self) -> HttpResponse {
        let (status, body) = match self {
            Self::Origin(_) => (StatusCode::FORBIDDEN, "origin not allowed\n"),
            Self::ServerFull => (StatusCode::SERVICE_UNAVAILABLE, "too many connections\n"),
            Self::Draining => (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n"),
            Self::AddressFull(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many connections from this address\n",
            ),
        };
        HttpResponse::build(status)
            .content_type("text/plain")
            .body(body)
    }
}

/// The Origin policy.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    allowed: Vec<String>,
    allow_any: bool,
    require: bool,
}

impl OriginPolicy {
    /// The policy the limits describe.
    pub fn new(limits: &Limits) -> Self {
        Self {
            allowed: limits
                .allowed_origins
                .iter()
                .map(|origin| normalise(origin))
                .collect(),
            allow_any: limits.allow_any_origin,
            require: limits.require_origin,
        }
    }

    /// Whether a handshake with this `Origin` (if any) to this `Host` (if any) may proceed.
    ///
    /// With no explicit list, the allowed origins are the server's own (an Origin whose
    /// host and port are the request's Host) and the localhost forms of the Host's port.
    pub fn allows(&self, origin: Option<&str>, host: Option<&str>) -> bool {
        let Some(origin) = origin else {
            return !self.require;
        };
        if self.allow_any {
            return true;
        }
        let origin = normalise(origin);
        if !self.allowed.is_empty() {
            return self.allowed.contains(&origin);
        }
        let Some(authority) = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
        else {
            return false; // "null", file:, extensions: never the server's own origin
        };
        let Some(host) = host.map(str::to_ascii_lowercase) else {
            return false;
        };
        if authority == host {
            return true;
        }
        let port = host
            .rsplit_once(':')
            .map(|(_, port)| port)
            .filter(|port| !port.contains(']'));
        ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|local| match port {
                Some(port) => authority == format!("{local}:{port}"),
                None => authority == *local,
            })
    }
}

/// Origins compare case-insensitively and without a trailing slash.
fn normalise(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Counts open connections, in all and per address.
#[derive(Debug)]
pub struct Admission {
    origins: OriginPolicy,
    proxies: TrustedProxies,
    max_total: usize,
    max_per_address: usize,
    total: AtomicUsize,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    /// Told whenever a connection goes, for [`Admission::all_closed`].
    released: Notify,
    /// Set when shutdown begins: from then on every handshake is refused.
    draining: AtomicBool,
}

impl Admission {
    /// Admission with the given limits.
    pub fn new(limits: &Limits) -> Arc<Self> {
        Arc::new(Self {
            origins: OriginPolicy::new(limits),
            proxies: TrustedProxies::new(limits.trusted_proxies.clone()),
            max_total: limits.max_connections,
            max_per_address: limits.max_connections_per_ip,
            total: AtomicUsize::new(0),
            per_address: Mutex::new(HashMap::new()),
            released: Notify::new(),
            draining: AtomicBool::new(false),
        })
    }

    /// How many WebSocket connections are open.
    pub fn open_connections(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// Refuses every handshake from now on (503): the server is shutting down.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// Whether the server is shutting down.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Resolves once no WebSocket connection is open.
    pub async fn all_closed(&self) {
        loop {
            // Registered before the check, so a release between the two is not missed.
            let released = self.released.notified();
            if self.open_connections() == 0 {
                return;
            }
            released.await;
        }
    }

    /// The client's address: the peer's, or the one a trusted proxy names.
    pub fn client_address(&self, request: &RequestHead) -> Option<IpAddr> {
        let peer = request.peer_addr?.ip();
        Some(self.proxies.client_address(peer, request.headers()))
    }

    /// Checks the Origin and takes a connection slot for the client (see
    /// [`Admission::client_address`]); the slot is freed when the ticket drops.
    pub fn admit(self: &Arc<Self>, request: &RequestHead) -> Result<Ticket, Refusal> {
        // Never a 101 followed by a 1001: a draining server takes no new connection.
        if self.is_draining() {
            return Err(Refusal::Draining);
        }
        let value_of = |name| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        let origin = value_of(header::ORIGIN);
        if !self.origins.allows(origin, value_of(header::HOST)) {
            return Err(Refusal::Origin(origin.map(str::to_owned)));
        }
        let address = self.client_address(request);

        // Count first, then check, so that concurrent handshakes cannot overshoot the cap.
        if self.total.fetch_add(1, Ordering::AcqRel) >= self.max_total {
            self.total.fetch_sub(1, Ordering::AcqRel);
            return Err(Refusal::ServerFull);
        }
        if let Some(address) = address {
            let mut per_address = self
                .per_address
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = per_address.entry(address).or_insert(0);
            if *count >= self.max_per_address {
                drop(per_address);
                self.total.fetch_sub(1, Ordering::AcqRel);
                return Err(Refusal::AddressFull(address));
            }
            *count += 1;
        }
        Ok(Ticket {
            admission: Arc::clone(self),
            address,
        })
    }
}

/// A connection slot, held for the connection's life.
#[derive(Debug)]
pub struct Ticket {
    admission: Arc<Admission>,
    address: Option<IpAddr>,
}

impl Ticket {
    /// The client the slot was taken for (see [`Admission::client_address`]).
    pub fn client(&self) -> Option<IpAddr> {
        self.address
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(address) = self.address {
            let mut per_address = self
                .admission
                .per_address
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(count) = per_address.get_mut(&address) {
                *count -= 1;
                if *count == 0 {
                    per_address.remove(&address);
                }
            }
        }
        self.admission.total.fetch_sub(1, Ordering::AcqRel);
        self.admission.released.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(args: &[&str]) -> OriginPolicy {
        let mut argv = vec!["wasm-ws-server"];
        argv.extend_from_slice(args);
        OriginPolicy::new(&crate::config::from_args_only(&argv).limits)
    }

    #[test]
    fn by_default_the_servers_own_origin_and_its_localhost_forms() {
        let default = policy(&[]);
        let host = Some("example.com:3000");
        assert!(default.allows(Some("http://example.com:3000"), host));
        assert!(default.allows(Some("https://EXAMPLE.com:3000/"), host));
        assert!(default.allows(Some("http://localhost:3000"), host));
        assert!(default.allows(Some("http://127.0.0.1:3000"), host));
        assert!(default.allows(Some("http://[::1]:3000"), host));
        assert!(!default.allows(Some("http://evil.example"), host));
        assert!(!default.allows(Some("http://localhost:8080"), host));
        assert!(!default.allows(Some("null"), host));
        assert!(
            default.allows(None, host),
            "non-browser clients send no Origin"
        );
    }

    #[test]
    fn an_explicit_list_replaces_the_default() {
        let listed = policy(&["--allowed-origin", "https://app.example"]);
        assert!(listed.allows(Some("https://app.example"), Some("api.example")));
        assert!(!listed.allows(Some("http://api.example"), Some("api.example")));
    }

    #[test]
    fn any_origin_and_required_origin() {
        assert!(policy(&["--allow-any-origin"]).allows(Some("http://evil.example"), Some("a:1")));
        assert!(!policy(&["--require-origin"]).allows(None, Some("a:1")));
    }
}
