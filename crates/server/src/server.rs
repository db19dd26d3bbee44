//! Binding the listener and assembling the application.

use std::{fmt, io, net::SocketAddr, path::PathBuf};

use actix_web::{dev::Server, middleware, web, App, HttpServer};

use crate::{
    config::Config,
    endpoints::{burst, delay, echo, ping, protocol, sample, server_close},
};

/// Seconds actix waits for connections to finish after Ctrl-C or SIGTERM. WebSocket connections
/// never finish on their own, so waiting actix's default 30 s only delays the exit.
const SHUTDOWN_TIMEOUT_SECS: u64 = 1;

/// Why the server could not start. Each variant displays as one line for the terminal.
#[derive(Debug)]
pub enum StartError {
    /// The static directory to serve at `/` does not exist.
    StaticDirMissing(PathBuf),
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
            Self::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::StaticDirMissing(_) => None,
            Self::Bind { source, .. } => Some(source),
        }
    }
}

/// A started server: await it to run until shutdown, or stop it through [`Running::handle`].
pub struct Running {
    server: Server,
    local_addr: SocketAddr,
}

impl Running {
    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
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

/// Binds the configured address and starts serving. Must be called inside an actix system
/// (`#[actix_web::main]`, `#[actix_web::test]`).
pub fn start(config: &Config) -> Result<Running, StartError> {
    if let Some(dir) = &config.static_dir {
        if !dir.is_dir() {
            return Err(StartError::StaticDirMissing(dir.clone()));
        }
    }
    let static_dir = config.static_dir.clone();
    let sample_settings = web::Data::new(sample::Settings {
        push_interval: config.push_interval,
    });

    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(middleware::Logger::new("%a \"%r\" %s %T"))
            .app_data(sample_settings.clone())
            .route("/websocket/test", web::get().to(sample::handler))
            .route("/websocket/echo", web::get().to(echo::handler))
            .route("/websocket/protocol", web::get().to(protocol::handler))
            .route("/websocket/delay", web::get().to(delay::handler))
            .route("/websocket/close", web::get().to(server_close::handler))
            .route("/websocket/burst", web::get().to(burst::handler))
            .route("/websocket/ping", web::get().to(ping::handler));
        match &static_dir {
            Some(dir) => app.service(actix_files::Files::new("/", dir).index_file("index.html")),
            None => app,
        }
    })
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS);

    let bind_error = |source| StartError::Bind {
        addr: config.bind,
        source,
    };
    let server = server.bind(config.bind).map_err(bind_error)?;
    let local_addr = *server
        .addrs()
        .first()
        .expect("a successful bind yields an address");
    Ok(Running {
        server: server.run(),
        local_addr,
    })
}
