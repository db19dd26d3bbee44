//! The load: echo (round trips), capacity (many idle connections receiving pushes), churn
//! (connect/close cycles). Loopback only; each mode is bounded in count and time.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use tokio::sync::{mpsc, watch, Mutex, Semaphore};
use tokio_tungstenite::{connect_async, tungstenite::Message, MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

use crate::procfs;

fn url(addr: SocketAddr) -> String {
    format!("ws://{addr}/websocket/test")
}

/// A push from the server: `0.NN`.
fn is_push(message: &Message) -> bool {
    matches!(message, Message::Text(text) if text.len() == 4 && text.starts_with("0."))
}

/// What one echo run measured.
pub struct Echo {
    pub messages_per_second: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub server_cpu_us_per_echo: f64,
}

/// `connections` clients each send a `size`-byte message and wait for its echo, again and
/// again, for `duration`.
pub async fn echo(
    addr: SocketAddr,
    pid: u32,
    connections: usize,
    size: usize,
    duration: Duration,
) -> Echo {
    let histogram = Arc::new(Mutex::new(Histogram::<u64>::new(3).unwrap()));
    let mut clients = Vec::new();
    for _ in 0..connections {
        let (socket, _) = connect_async(url(addr)).await.expect("connects");
        clients.push(socket);
    }
    let payload = "x".repeat(size);
    let cpu_before = procfs::cpu_micros(pid);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for mut socket in clients {
        let (histogram, payload) = (histogram.clone(), payload.clone());
        tasks.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new(3).unwrap();
            let mut count = 0u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                if socket.send(Message::text(payload.clone())).await.is_err() {
                    break;
                }
                loop {
                    match socket.next().await {
                        Some(Ok(message))
                            if is_push(&message) || message == Message::text("连接成功") =>
                        {
                            continue
                        }
                        Some(Ok(Message::Text(_))) => break,
                        _ => return count,
                    }
                }
                local.record(sent.elapsed().as_micros() as u64).unwrap();
                count += 1;
            }
            histogram.lock().await.add(&local).unwrap();
            let _ = socket.close(None).await;
            count
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = procfs::cpu_micros(pid) - cpu_before;
    let histogram = histogram.lock().await;
    Echo {
        messages_per_second: total as f64 / elapsed,
        p50_us: histogram.value_at_quantile(0.5) as f64,
        p99_us: histogram.value_at_quantile(0.99) as f64,
        p999_us: histogram.value_at_quantile(0.999) as f64,
        server_cpu_us_per_echo: cpu as f64 / total.max(1) as f64,
    }
}

/// What one capacity run measured.
pub struct Capacity {
    pub rss_kib_per_connection: f64,
    pub lateness_p50_ms: f64,
    pub lateness_p99_ms: f64,
    pub pushes_lost: u64,
    pub connected: usize,
}

/// Opens `connections` clients, lets them settle, then holds them for `hold`, measuring how
/// late each 1 s push is against the one before it and counting pushes that never came.
pub async fn capacity(addr: SocketAddr, pid: u32, connections: usize, hold: Duration) -> Capacity {
    const HANDSHAKES_AT_ONCE: usize = 256;
    let rss_before = procfs::rss_kib(pid);
    let gate = Arc::new(Semaphore::new(HANDSHAKES_AT_ONCE));
    let (stop, stopped) = watch::channel(false);
    // Each task reports whether its handshake succeeded, once it is over.
    let (handshaken, mut handshakes) = mpsc::unbounded_channel::<bool>();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (gate, mut stopped, handshaken) = (gate.clone(), stopped.clone(), handshaken.clone());
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let connected = connect_async(url(addr)).await;
            drop(permit);
            let _ = handshaken.send(connected.is_ok());
            let (mut socket, _) = connected.ok()?;
            let mut arrivals = Vec::new();
            loop {
                tokio::select! {
                    message = socket.next() => match message {
                        Some(Ok(message)) if is_push(&message) => arrivals.push(Instant::now()),
                        Some(Ok(_)) => {}
                        _ => return None,
                    },
                    _ = stopped.changed() => break,
                }
            }
            let _ = socket.close(None).await;
            Some(arrivals)
        }));
    }
    // Every handshake is over (succeeded or not): count the connections that really opened.
    let mut opened = 0usize;
    for _ in 0..connections {
        opened += usize::from(handshakes.recv().await.expect("every task reports"));
    }
    // Let the first pushes go out, so that every connection has sent and received once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_held = procfs::rss_kib(pid);
    let start = Instant::now();
    tokio::time::sleep(hold).await;
    let end = Instant::now();
    let _ = stop.send(true);

    let mut lateness = Histogram::<u64>::new(3).unwrap();
    let (mut lost, mut connected) = (0u64, 0usize);
    for task in tasks {
        let Some(arrivals) = task.await.unwrap() else {
            continue;
        };
        connected += 1;
        let in_window: Vec<Instant> = arrivals
            .into_iter()
            .filter(|t| *t >= start && *t < end)
            .collect();
        for pair in in_window.windows(2) {
            let late = pair[1]
                .duration_since(pair[0])
                .saturating_sub(Duration::from_secs(1));
            lateness.record(late.as_micros() as u64).unwrap();
        }
        // A whole window of `hold` seconds holds at least `hold - 1` pushes 1 s apart.
        lost += hold
            .as_secs()
            .saturating_sub(1)
            .saturating_sub(in_window.len() as u64);
    }
    Capacity {
        rss_kib_per_connection: rss_held.saturating_sub(rss_before) as f64 / opened.max(1) as f64,
        lateness_p50_ms: lateness.value_at_quantile(0.5) as f64 / 1000.0,
        lateness_p99_ms: lateness.value_at_quantile(0.99) as f64 / 1000.0,
        pushes_lost: lost,
        connected,
    }
}

/// What one churn run measured.
pub struct Churn {
    pub fds_before: u64,
    pub fds_after: u64,
    pub rss_kib_before: u64,
    pub rss_kib_after: u64,
}

/// `cycles` connect / greeting / close cycles, 16 at a time; the server's fds and memory
/// before and after (once it settled).
pub async fn churn(addr: SocketAddr, pid: u32, cycles: usize) -> Churn {
    let (fds_before, rss_kib_before) = (procfs::open_fds(pid), procfs::rss_kib(pid));
    let gate = Arc::new(Semaphore::new(16));
    let mut tasks = Vec::new();
    for _ in 0..cycles {
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            if let Ok((mut socket, _)) = connect_async(url(addr)).await {
                let _ = socket.next().await; // the greeting
                let _ = socket.close(None).await;
                while let Some(Ok(_)) = socket.next().await {}
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    Churn {
        fds_before,
        fds_after: procfs::open_fds(pid),
        rss_kib_before,
        rss_kib_after: procfs::rss_kib(pid),
    }
}

/// How much a server's memory grows, at its peak, while one connection sends it the largest
/// message it accepts (64 KiB: the sample's limit) and receives it back: what the buffers cost
/// when they must cope with the worst a client may send. In KiB, from the resident memory just
/// before to the peak (the kernel's high-water mark, reset just before).
pub async fn large_message(addr: SocketAddr, pid: u32, size: usize) -> f64 {
    let (mut socket, _) = connect_async(url(addr)).await.expect("connects");
    socket
        .next()
        .await
        .expect("a greeting")
        .expect("a greeting");
    assert!(procfs::reset_peak_rss(pid), "cannot reset the peak RSS");
    let before = procfs::rss_kib(pid);
    let message = "m".repeat(size);
    socket
        .send(Message::text(message.clone()))
        .await
        .expect("sent");
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.len() == size => {
                assert_eq!(text.as_str(), message, "the echo is the message");
                break;
            }
            Some(Ok(_)) => continue,
            other => panic!("the connection ended before the echo: {other:?}"),
        }
    }
    let peak = procfs::peak_rss_kib(pid);
    let _ = socket.close(None).await;
    peak.saturating_sub(before) as f64
}

/// What one push-after-echo run measured.
pub struct PushAfterEcho {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// How late a push comes when it follows an echo. Each of `connections` clients of
/// `/websocket/test`, on every other push (the pushes in between, with nothing before them,
/// set the schedule), sends two messages `LEAD` before the push is due, the second as soon as
/// the first comes back: a client that answers what it has just received is what makes the
/// kernel hold back its acknowledgement of the second echo (the "ping-pong" pattern of
/// interactive connections). A server that leaves Nagle's algorithm on then holds the push,
/// written while that echo is unacknowledged, until the delayed acknowledgement comes (up to
/// 40 ms on Linux); one that sets `TCP_NODELAY` sends it when due. Returns the lateness of the
/// pushes that followed an echo.
pub async fn push_after_echo(addr: SocketAddr, connections: usize, rounds: usize) -> PushAfterEcho {
    const LEAD: Duration = Duration::from_millis(5);
    let histogram = Arc::new(Mutex::new(Histogram::<u64>::new(3).unwrap()));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let histogram = histogram.clone();
        tasks.push(tokio::spawn(async move {
            let (mut socket, _) = connect_async(url(addr)).await.expect("connects");
            let mut local = Histogram::<u64>::new(3).unwrap();
            // Waits for the next push, answering nothing; `None` if the connection ended.
            async fn next_push(socket: &mut Client) -> Option<Instant> {
                loop {
                    match socket.next().await {
                        Some(Ok(message)) if is_push(&message) => return Some(Instant::now()),
                        Some(Ok(_)) => continue,
                        _ => return None,
                    }
                }
            }
            for _ in 0..rounds {
                // A push with nothing before it: the schedule.
                let Some(on_time) = next_push(&mut socket).await else {
                    return;
                };
                let due = on_time + Duration::from_secs(1);
                tokio::time::sleep_until((due - LEAD).into()).await;
                // A push may come in the middle of the echoes (the client woke late): it was
                // not held back then, and it is the one measured.
                let mut pushed = None;
                for text in ["a", "b"] {
                    if socket.send(Message::text(text)).await.is_err() {
                        return;
                    }
                    loop {
                        match socket.next().await {
                            Some(Ok(Message::Text(echo))) if echo.as_str() == text => break,
                            Some(Ok(message)) if is_push(&message) => {
                                pushed = Some(Instant::now());
                            }
                            Some(Ok(_)) => continue,
                            _ => return,
                        }
                    }
                }
                let pushed = match pushed {
                    Some(pushed) => pushed,
                    None => match next_push(&mut socket).await {
                        Some(pushed) => pushed,
                        None => return,
                    },
                };
                let late = pushed.saturating_duration_since(due);
                local.record(late.as_micros() as u64).unwrap();
            }
            let _ = socket.close(None).await;
            histogram.lock().await.add(&local).unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let histogram = histogram.lock().await;
    PushAfterEcho {
        p50_ms: histogram.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: histogram.value_at_quantile(0.99) as f64 / 1000.0,
    }
}
