//! Binding the listener, assembling the service, and shutting down.
//!
//! Every connection is served by actix-http's `HttpService`: plain HTTP requests (`/healthz`,
//! the static page) go to an actix-web `App`; WebSocket handshakes go to its upgrade service,
//! which hands each to the endpoint at its path ([`Routes::serve`]) together with the TCP
//! connection itself, so that after the 101 no HTTP machinery stays with it.

use std::{
    fmt, io,
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
};

use actix_codec::Framed;
use actix_http::{h1, HttpService, Request};
use actix_server::Server;
use actix_service::{
    fn_service, map_config, IntoServiceFactory, ServiceFactory, ServiceFactoryExt,
};
use actix_web::{dev::AppConfig, middleware, web, App, HttpResponse};
use futures_util::FutureExt;
use tokio::{net::TcpSocket, sync::watch};

use crate::{
    admission::Admission,
    config::{Config, DEFAULT_STATIC_DIR},
    connection::{ServerState, Upgrade},
    endpoints::{sample, Routes},
    shutdown::{ShutdownHandle, SHUTDOWN_GRACE},
};

/// Pending connections the kernel queues before they are accepted: actix-web's default, which
/// takes a burst of thousands of clients reconnecting at once.
const BACKLOG: u32 = 2048;

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
    let static_dir = static_dir(config)?;
    #[cfg(feature = "tls")]
    let tls = config.tls.server_config().map_err(StartError::Tls)?;
    let (signal, shutdown) = watch::channel(false);
    let admission = Admission::new(&config.limits);
    let state = ServerState {
        limits: Arc::new(config.limits.clone()),
        admission: Arc::clone(&admission),
        shutdown,
        compression: config.compression.settings(),
    };
    let routes = Routes {
        sample: sample::Settings {
            push_interval: config.push_interval,
        },
        test_endpoints: config.test_endpoints,
    };
    if routes.test_endpoints {
        tracing::warn!("test endpoints mounted (--test-endpoints): not for production");
    }
    let listener = listen(config.bind).map_err(|source| StartError::Bind {
        addr: config.bind,
        source,
    })?;
    let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.bind,
        source,
    })?;

    // The HTTP service for one worker, finished for plain TCP (`tcp`) or TLS (`rustls_0_23`).
    macro_rules! http_service {
        ($($finish:tt)*) => {{
            let (state, static_dir) = (state.clone(), static_dir.clone());
            move || {
                HttpService::build()
                    // Every frame leaves at once. Under Nagle's algorithm a frame written while
                    // the previous one is unacknowledged (a push or a 1001 right after an echo)
                    // waits for the client's delayed acknowledgement: about 40 ms here, and
                    // where messages die during a restart.
                    .tcp_nodelay(true)
                    .local_addr(local_addr)
                    .upgrade(upgrade_service(state.clone(), routes))
                    .finish(map_config(
                        App::new()
                            .wrap(middleware::Logger::new("%a \"%r\" %s %T"))
                            .app_data(web::Data::new(state.clone()))
                            .configure(|config| http_routes(config, routes, static_dir.as_deref()))
                            .into_factory(),
                        // Only URL generation reads AppConfig's host and address; nothing
                        // here generates URLs.
                        |()| AppConfig::default(),
                    )
                    .map_err(|error| error.error_response()))
                    .$($finish)*
            }
        }};
    }
    let server = Server::build()
        // Shutdown is ours (1001 to every client first), not actix's default signal handling.
        .disable_signals()
        .shutdown_timeout(
            (config.limits.drain_window + SHUTDOWN_GRACE)
                .as_secs_f64()
                .ceil() as u64,
        );
    let server = match config.workers {
        Some(workers) => server.workers(workers.max(1)),
        None => server,
    };
    #[cfg(feature = "tls")]
    let secure = tls.is_some();
    #[cfg(not(feature = "tls"))]
    let secure = false;
    let name = "wasm-ws-server";
    #[cfg(feature = "tls")]
    let server = match tls {
        Some(tls) => server.listen(name, listener, http_service!(rustls_0_23(tls.clone()))),
        None => server.listen(name, listener, http_service!(tcp())),
    };
    #[cfg(not(feature = "tls"))]
    let server = server.listen(name, listener, http_service!(tcp()));
    let server = server
        .map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?
        .run();
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

/// The page's directory: the one given, which must exist; else `dist` if it exists; else none,
/// said in one log line (a fresh clone has no `dist` until the page is built, and the
/// WebSockets and `/healthz` need none).
fn static_dir(config: &Config) -> Result<Option<PathBuf>, StartError> {
    match &config.static_dir {
        Some(dir) if dir.is_dir() => Ok(Some(dir.clone())),
        Some(dir) => Err(StartError::StaticDirMissing(dir.clone())),
        None if config.no_static_dir => {
            tracing::info!(
                "no static page (--no-static-dir): serving WebSockets and /healthz only"
            );
            Ok(None)
        }
        None if Path::new(DEFAULT_STATIC_DIR).is_dir() => Ok(Some(DEFAULT_STATIC_DIR.into())),
        None => {
            tracing::warn!(
                "no static page: {DEFAULT_STATIC_DIR}/ not found (build it with `trunk build --release`, or pass --static-dir); serving WebSockets and /healthz only"
            );
            Ok(None)
        }
    }
}

/// A listening socket on `addr`, like actix-web's: the address reusable at once after a
/// restart (no wait for the previous process's connections in TIME_WAIT), and [`BACKLOG`].
fn listen(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)?.into_std()
}

/// WebSocket handshakes, with the connection they came on, to the endpoint at their path.
fn upgrade_service<T: crate::connection::Stream + 'static>(
    state: ServerState,
    routes: Routes,
) -> impl ServiceFactory<
    (Request, Framed<T, h1::Codec>),
    Config = (),
    Response = (),
    Error = actix_http::Error,
    InitError = (),
> {
    fn_service(move |(request, framed): (Request, Framed<T, h1::Codec>)| {
        let upgrade = Upgrade::new(request, framed, state.clone());
        routes.serve(upgrade).map(Ok)
    })
}

/// Plain HTTP: `/healthz`, the endpoints' paths without a handshake, and the static page.
fn http_routes(config: &mut web::ServiceConfig, routes: Routes, static_dir: Option<&Path>) {
    config
        .route("/healthz", web::get().to(healthz))
        .service(routes.not_upgraded());
    if let Some(dir) = static_dir {
        config.service(actix_files::Files::new("/", dir).index_file("index.html"));
    }
}
