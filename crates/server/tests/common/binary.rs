//! The server binary as a child process, started without the caller's `WASM_WS_*` variables.

use std::{net::SocketAddr, process::Command, thread, time::Duration};

/// A command for the server binary with no `WASM_WS_*` variable from the caller's environment:
/// a developer with `WASM_WS_MAX_MESSAGE_SIZE` exported, say, would otherwise see tests fail.
pub fn server_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasm-ws-server"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("WASM_WS_") {
            command.env_remove(name);
        }
    }
    command
}

/// The server binary, running as a child process; killed when dropped.
pub struct Binary {
    pub child: std::process::Child,
    pub addr: SocketAddr,
}

impl Binary {
    /// Starts `wasm-ws-server --bind 127.0.0.1:0 --static-dir <crate dir> --test-endpoints ARGS`
    /// and waits until it listens.
    pub fn start(args: &[&str]) -> Self {
        Self::start_logging_to(args, std::process::Stdio::null())
    }

    /// As [`Binary::start`], with the server's log (stderr) read line by line as it comes.
    pub fn start_logging(args: &[&str]) -> (Self, LogLines) {
        let mut server = Self::start_logging_to(args, std::process::Stdio::piped());
        let stderr = server.child.stderr.take().expect("stderr is piped");
        let (sender, lines) = std::sync::mpsc::channel();
        thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        (
            server,
            LogLines {
                lines,
                seen: Vec::new(),
            },
        )
    }

    /// As [`Binary::start`], with the server's log (stderr) sent to `log`.
    pub fn start_logging_to(args: &[&str], log: impl Into<std::process::Stdio>) -> Self {
        use std::io::BufRead;
        let mut child = server_command()
            .args([
                "--bind",
                "127.0.0.1:0",
                "--static-dir",
                env!("CARGO_MANIFEST_DIR"),
                "--test-endpoints",
            ])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .rsplit("://")
            .next()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { child, addr }
    }

    /// The server's resident memory, in KiB, from `/proc`.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }
}

/// A server's log lines, as they come.
pub struct LogLines {
    lines: std::sync::mpsc::Receiver<String>,
    /// Every line read so far.
    pub seen: Vec<String>,
}

impl LogLines {
    /// Reads lines until one contains every one of `words`, and returns it; fails the test,
    /// naming the words, if none comes within 5 s.
    pub fn until(&mut self, words: &[&str]) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no log line with {words:?} within 5 s; seen:\n{}",
                    self.seen.join("\n")
                )
            });
            self.seen.push(line.clone());
            if words.iter().all(|word| line.contains(word)) {
                return line;
            }
        }
    }

    /// Every line up to the end of the log (the server has exited).
    pub fn into_lines(mut self) -> Vec<String> {
        self.seen.extend(self.lines.iter());
        self.seen
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
