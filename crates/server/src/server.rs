//! Binding the listener, assembling the application, and shutting down.

use std::{fmt, io, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use actix_web::{dev::Server, middleware, web, App, HttpResponse, HttpServer};
use tokio::sync::watch;

use crate::{
    admission::Admission,
    config::Config,
    connection::ServerState,
    endpoints::{self, sample},
    shutdown::{ShutdownHandle, SHUTDOWN_GRACE},
};

/// Why the server could not start. Each variant displays as one line for the terminal.
#[derive(Debug)]
pub enum StartError {
    /// The static directory to serve at `/` does not exist.
    StaticDirMissing(PathBuf),
    /// The TLS certificate or key could not be used.
    Tls(String),
    /// The listening socket could not be bound (address in use, not permitted, ...).
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: io::Error,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StaticDirMissing(dir) => write!(
                f,
                "static directory {} not found: build the page with `trunk build --release`, or pass --static-dir",
                dir.display()
            ),
            Self::Tls(reason) => f.write_str(reason),
            Self::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::StaticDirMissing(_) | Self::Tls(_) => None,
            Self::Bind { source, .. } => Some(source),
        }
    }
}

/// A started server: await it to run until it stops; stop it with [`Running::shutdown_handle`].
pub struct Running {
    server: Server,
    local_addr: SocketAddr,
    secure: bool,
    shutdown: ShutdownHandle,
}

impl Running {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The server's base URL: `https://` with TLS, `http://` otherwise.
    pub fn url(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        format!("{scheme}://{}", self.local_addr)
    }

    /// A handle that shuts the server down gracefully.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }
}

impl std::future::Future for Running {
    type Output = io::Result<()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.server).poll(cx)
    }
}

/// `GET /healthz`: liveness for load balancers, with the number of open WebSockets.
///
/// While the server shuts down it answers 503 with `"status":"draining"`, so that a load
/// balancer stops sending it traffic.
async fn healthz(state: web::Data<ServerState>) -> HttpResponse {
    let (mut response, status) = if state.admission.is_draining() {
        (HttpResponse::ServiceUnavailable(), "draining")
    } else {
        (HttpResponse::Ok(), "ok")
    };
    response.content_type("application/json").body(format!(
        "{{\"status\":\"{status}\",\"connections\":{}}}\n",
        state.admission.open_connections()
    ))
}

/// Binds the configured address and starts serving. Must be called inside an actix system
/// (`#[actix_web::main]`, `#[actix_web::test]`). Signals are not handled unless the caller
/// spawns [`ShutdownHandle::on_signal`].
pub fn start(config: &Config) -> Result<Running, StartError> {
    if let Some(dir) = &config.static_dir {
        if !dir.is_dir() {
            return Err(StartError::StaticDirMissing(dir.clone()));
        }
    }
    let static_dir = config.static_dir.clone();
    let (signal, shutdown) = watch::channel(false);
    let admission = Admission::new(&config.limits);
    let state = web::Data::new(ServerState {
        limits: Arc::new(config.limits.clone()),
        admission: Arc::clone(&admission),
        shutdown,
    });
    let sample_settings = web::Data::new(sample::Settings {
        push_interval: config.push_interval,
    });

    let test_endpoints = config.test_endpoints;
    if test_endpoints {
        tracing::warn!("test endpoints mounted (--test-endpoints): not for production");
    }
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(middleware::Logger::new("%a \"%r\" %s %T"))
            .app_data(state.clone())
            .app_data(sample_settings.clone())
            .route("/healthz", web::get().to(healthz))
            .configure(|routes| endpoints::routes(routes, test_endpoints));
        match &static_dir {
            Some(dir) => app.service(actix_files::Files::new("/", dir).index_file("index.html")),
            None => app,
        }
    })
    // Shutdown is ours (1001 to every client first), not actix's default signal handling.
    .disable_signals()
    // RFC 6455 section 7.1.1: after the closing handshake the server closes the TCP connection
    // first, and browsers fire `close` only then. actix otherwise lingers up to 1 s reading
    // before it hangs up, which made every browser close take most of a second. When to hang
    // up is decided by `Connection`, which holds the response open until the handshake is done.
    .client_disconnect_timeout(Duration::ZERO)
    // Every frame leaves at once. Under Nagle's algorithm a frame written while the previous
    // one is unacknowledged (a push or a 1001 right after an echo) waits for the client's
    // delayed acknowledgement: about 40 ms here, and where messages die during a restart.
    .tcp_nodelay(true)
    .shutdown_timeout(
        (config.limits.drain_window + SHUTDOWN_GRACE)
            .as_secs_f64()
            .ceil() as u64,
    );

    let server = match config.workers {
        Some(workers) => server.workers(workers.max(1)),
        None => server,
    };
    let bind_error = |source| StartError::Bind {
        addr: config.bind,
        source,
    };
    #[cfg(feature = "tls")]
    let server = match config.tls.server_config().map_err(StartError::Tls)? {
        Some(tls) => server.bind_rustls_0_23(config.bind, tls),
        None => server.bind(config.bind),
    }
    .map_err(bind_error)?;
    #[cfg(not(feature = "tls"))]
    let server = server.bind(config.bind).map_err(bind_error)?;
    let local_addr = *server
        .addrs()
        .first()
        .expect("a successful bind yields an address");
    let server = server.run();
    #[cfg(feature = "tls")]
    let secure = config.tls.tls_cert.is_some();
    #[cfg(not(feature = "tls"))]
    let secure = false;
    let shutdown = ShutdownHandle {
        signal: Arc::new(signal),
        admission,
        server: server.handle(),
        drain_window: config.limits.drain_window,
    };
    Ok(Running {
        server,
        local_addr,
        secure,
        shutdown,
    })
}
