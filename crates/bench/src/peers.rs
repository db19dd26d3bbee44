//! The servers under test, each a child process that prints "... listening on http://ADDR".
//!
//! Each server gets one thread, as node has, and the load generator the other core: with two
//! server workers and two load threads on two cores, scheduling alone added ~3 ms to our p99
//! round trip (4.2 ms with 2 workers, 1.3 ms with 1, measured).

use std::{future::Future, net::SocketAddr, path::Path, process::Stdio};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// wasm-ws-server, release build.
    Ours,
    /// The tutorial's express-ws backend (express 4.22.3, express-ws 5.0.2).
    Tutorial,
    /// A bare tokio-tungstenite server doing the same job: the floor.
    Floor,
    /// wasm-ws-server with `--permessage-deflate` set to this mode.
    OursDeflate(&'static str),
    /// The tutorial's backend with ws's `perMessageDeflate` on.
    TutorialDeflate,
}

impl Peer {
    pub fn name(self) -> &'static str {
        match self {
            Self::Ours => "wasm-ws-server",
            Self::Tutorial => "tutorial backend (express-ws)",
            Self::Floor => "floor (tokio-tungstenite)",
            Self::OursDeflate("off") => "wasm-ws-server, compression off",
            Self::OursDeflate("no-context-takeover") => "wasm-ws-server, no context takeover",
            Self::OursDeflate("context-takeover") => {
                "wasm-ws-server, context takeover (10-bit windows)"
            }
            Self::OursDeflate(_) => "wasm-ws-server",
            Self::TutorialDeflate => "tutorial backend, perMessageDeflate on",
        }
    }
}

/// A running server.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
    pub pid: u32,
}

impl Running {
    pub async fn start(peer: Peer, root: &Path) -> Running {
        let release = root.join("target/release");
        let mut command = match peer {
            Peer::Ours | Peer::OursDeflate(_) => {
                let mut command = Command::new(release.join("wasm-ws-server"));
                command.args([
                    "--bind",
                    "127.0.0.1:0",
                    "--max-connections",
                    "1000000",
                    "--max-connections-per-ip",
                    "1000000",
                ]);
                command.args(["--workers", "1"]);
                command.arg("--static-dir").arg(root.join("crates/bench"));
                command.env("RUST_LOG", "warn");
                if let Peer::OursDeflate(mode) = peer {
                    command.args(["--permessage-deflate", mode]);
                }
                command
            }
            Peer::Tutorial | Peer::TutorialDeflate => {
                let mut command = Command::new("node");
                command
                    .arg(root.join("crates/bench/tutorial-backend/server.js"))
                    .env("PORT", "0")
                    .env(
                        "PER_MESSAGE_DEFLATE",
                        if peer == Peer::TutorialDeflate {
                            "1"
                        } else {
                            "0"
                        },
                    );
                command
            }
            Peer::Floor => {
                let mut command = Command::new(release.join("floor"));
                command
                    .args(["127.0.0.1:0"])
                    .env("TOKIO_WORKER_THREADS", "1");
                command
            }
        };
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", peer.name()));
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{} exited", peer.name()));
            if let Some(addr) = line.split("http://").nth(1) {
                break addr.trim().parse().expect("an address");
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let pid = child.id().unwrap();
        Running { child, addr, pid }
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Runs one mode against a server of its own, so that no mode inherits another's connections
/// or memory: says what runs, starts the server, applies `load` to it, stops it.
pub async fn on_own_server<F: Future>(
    peer: Peer,
    root: &Path,
    what: String,
    load: impl FnOnce(&Running) -> F,
) -> F::Output {
    eprintln!("{what}");
    let server = Running::start(peer, root).await;
    let measured = load(&server).await;
    server.stop().await;
    measured
}
