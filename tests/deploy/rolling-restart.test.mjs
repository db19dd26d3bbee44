// A rolling restart behind a real nginx: three wasm-ws-server instances on 127.0.0.2-4, nginx in
// front (deploy/websocket-http.conf and deploy/websocket-location.conf, as deployed), 30 native
// clients echoing numbered messages through it, and the demo page in headless Chromium. Each
// instance in turn gets SIGTERM while they run, then comes back.
//
// With acknowledgements (each client keeps what it sent until the echo comes back, and sends
// it again after reconnecting, as ReconnectingWebSocket's `acknowledge` does): every client of
// a restarted instance sees 1001, never 1006; it is back through nginx within 3 s; the
// instances' /healthz counts add up to the clients; every message is echoed at least once, in
// order, duplicated only if it was in flight; the page stays connected. Without them (the
// control run, with clients that are never quiet), messages in flight at a restart are lost:
// the mechanism, not the timing, is what keeps them.
//
// Run by scripts/test.sh: node --experimental-websocket --test (node 20's WebSocket).
// WASM_WS_SERVER_BIN is the server, WASM_WS_DEMO_DIST the built page, NGINX nginx.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COLLECT_ERRORS, pageErrors, session } from "../e2e/browsers.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_BIN = process.env.WASM_WS_SERVER_BIN ?? `${ROOT}target/debug/wasm-ws-server`;
const DIST = process.env.WASM_WS_DEMO_DIST ?? `${ROOT}dist`;
const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";
const CLIENTS = 30;
const IN_FLIGHT = 20; // messages a client may have sent and not seen echoed
const RECONNECT_AFTER_MS = 100; // the clients' backoff

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = (host) =>
  new Promise((resolve) => {
    const server = createServer().listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Waits for `condition`, re-checking every `everyMs`; fails naming `what` after `ms`. */
async function waitFor(what, condition, ms = 10_000, everyMs = 20) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const children = new Set();
/** Starts a command and resolves once a line of its output matches `ready`. */
function started(command, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    child.on("exit", () => children.delete(child));
    let seen = "";
    const onData = (chunk) => {
      seen += chunk;
      if (ready.test(seen)) resolve(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${command} exited (${code}) before it was ready: ${seen}`)));
  });
}

/** One wasm-ws-server instance, at a fixed address so that it can come back. */
class Instance {
  constructor(host, port, args) {
    Object.assign(this, { host, port, args });
  }

  async start() {
    this.process = await started(SERVER_BIN, ["--bind", `${this.host}:${this.port}`, "--static-dir", DIST,
      "--trusted-proxy", "127.0.0.1", ...this.args], /listening on/);
    this.exited = new Promise((resolve) => this.process.on("exit", (code) => resolve(code)));
  }

  /** SIGTERM; resolves with the exit code. */
  async stop() {
    this.process.kill("SIGTERM");
    return this.exited;
  }

  async connections() {
    const response = await fetch(`http://${this.host}:${this.port}/healthz`);
    return (await response.json()).connections;
  }
}

/**
 * A native client echoing numbered messages through nginx, reconnecting by itself. It sends
 * one message every 5 ms while it has fewer than IN_FLIGHT unechoed; an `eager` one also sends
 * the next at once on each echo, so that it is never quiet: some of its messages are always
 * on their way.
 */
class Client {
  constructor(id, url, { acknowledged, eager = false }) {
    Object.assign(this, { id, url, acknowledged, eager });
    this.next = 0; // the next number to send
    this.unacknowledged = []; // numbers sent, echo not yet seen, oldest first
    this.echoed = []; // every echo, in arrival order
    this.inFlightAtCloses = new Set(); // numbers in flight when a connection closed
    this.closes = []; // { code, at }
    this.opens = []; // times of every open
    this.sending = true;
    this.connect();
    this.pump = setInterval(() => this.send(), 5);
  }

  connect() {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.opens.push(Date.now());
      // At least once: what was sent and not acknowledged goes again, first, in order.
      if (this.acknowledged) for (const n of this.unacknowledged) socket.send(`c${this.id}:${n}`);
      else this.unacknowledged = [];
    };
    socket.onmessage = ({ data }) => {
      const match = /^c(\d+):(\d+)$/.exec(data);
      if (!match || Number(match[1]) !== this.id) return; // the greeting, the pushes
      const n = Number(match[2]);
      this.echoed.push(n);
      const at = this.unacknowledged.indexOf(n);
      if (at >= 0) this.unacknowledged.splice(at, 1);
      if (this.eager) this.send();
    };
    socket.onclose = ({ code }) => {
      this.closes.push({ code, at: Date.now() });
      for (const n of this.unacknowledged) this.inFlightAtCloses.add(n);
      if (!this.stopped) setTimeout(() => this.connect(), RECONNECT_AFTER_MS);
    };
  }

  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send() {
    if (!this.sending || !this.open || this.unacknowledged.length >= IN_FLIGHT) return;
    const n = this.next++;
    this.unacknowledged.push(n);
    this.socket.send(`c${this.id}:${n}`);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.pump);
    this.socket.close(1000);
  }

  /** What happened to the numbers sent. */
  tally() {
    const seen = new Set(this.echoed);
    const firsts = this.echoed.filter((n, i) => this.echoed.indexOf(n) === i);
    return {
      sent: this.next,
      echoed: seen.size,
      lost: this.next - seen.size,
      duplicated: this.echoed.length - seen.size,
      duplicatesNotInFlight: this.echoed.filter((n, i) => this.echoed.indexOf(n) !== i && !this.inFlightAtCloses.has(n)).length,
      inOrder: firsts.every((n, i) => i === 0 || n > firsts[i - 1]),
    };
  }
}

let nginx, nginxPort, instances, browser;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "wasm-ws-nginx-"));
  chmodSync(dir, 0o777); // nginx's workers may run as another user
  const hosts = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];
  // The third instance spreads its 1001s over 2 s: its clients come back spread out.
  const extra = [[], [], ["--drain-window", "2s"]];
  instances = await Promise.all(hosts.map(async (host, i) => new Instance(host, await freePort(host), extra[i])));
  await Promise.all(instances.map((instance) => instance.start()));
  nginxPort = await freePort("127.0.0.1");
  const upstreams = instances.map((i) => `server ${i.host}:${i.port} max_fails=0;`).join("\n    ");
  writeFileSync(join(dir, "nginx.conf"), `
worker_processes 1;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
error_log ${dir}/error.log;
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${ROOT}deploy/websocket-http.conf;
  upstream wasm_ws {
    zone wasm_ws 64k;
    least_conn;
    ${upstreams}
  }
  server {
    listen 127.0.0.1:${nginxPort};
    location / { include ${ROOT}deploy/websocket-location.conf; }
  }
}
`);
  nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
    { stdio: "ignore" });
  children.add(nginx);
  await waitFor("nginx", async () => (await fetch(`http://127.0.0.1:${nginxPort}/healthz`).catch(() => null))?.ok);
  browser = await session("chromium");
});
after(async () => {
  await browser?.quit();
  // Gracefully, and waited for: SIGKILL on nginx's master would orphan its worker.
  await Promise.all([...children].map(stop));
});

/** SIGTERM (nginx: fast shutdown, its workers with it), SIGKILL after 5 s; resolves on exit. */
function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const step = (what) => console.log(`  ${new Date().toISOString().slice(11, 23)} ${what}`);

const total = async (live) => (await Promise.all(live.map((i) => i.connections()))).reduce((a, b) => a + b, 0);

test("a rolling restart behind nginx: 1001s, reconnects within 3 s, nothing lost, the page stays", async () => {
  const url = `ws://127.0.0.1:${nginxPort}/websocket/test`;
  await browser.goto(`http://127.0.0.1:${nginxPort}/`);
  await browser.script(COLLECT_ERRORS);
  await browser.waitFor("the page open", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);

  const clients = Array.from({ length: CLIENTS }, (_, id) => new Client(id, url, { acknowledged: true, eager: true }));
  await waitFor("every client open", () => clients.every((c) => c.open));
  await waitFor("the instances counting every client and the page", async () => (await total(instances)) === CLIENTS + 1);

  const report = [];
  for (const instance of instances) {
    const others = instances.filter((i) => i !== instance);
    const before = await instance.connections();
    const signalled = Date.now();
    assert.equal(await instance.stop(), 0, "a drained instance exits 0");
    // Its clients were told 1001 and come back through nginx, to the others.
    await waitFor("every client open again", () => clients.every((c) => c.open && c.opens.at(-1) >= (c.closes.at(-1)?.at ?? 0)), 10_000);
    const moved = clients.filter((c) => c.closes.some((close) => close.at >= signalled));
    const reconnects = moved.map((c) => c.opens.at(-1) - signalled);
    await waitFor("the live instances counting everyone", async () => (await total(others)) === CLIENTS + 1);
    report.push({
      instance: `${instance.host} ${instance.args.join(" ") || "(no drain window)"}`,
      clients: before,
      moved: moved.length,
      lastReconnectMs: Math.max(...reconnects),
      spreadMs: Math.max(...reconnects) - Math.min(...reconnects),
    });
    for (const ms of reconnects) assert.ok(ms < 3_000 + (instance.args.length ? 2_000 : 0), `back after ${ms} ms`);
    await instance.start();
  }

  // Stop sending, let every message in flight come back, then count.
  for (const client of clients) client.sending = false;
  await waitFor("every message acknowledged", () => clients.every((c) => c.unacknowledged.length === 0), 10_000);
  for (const client of clients) client.stop();

  const closes = clients.flatMap((c) => c.closes.filter((close) => close.code !== 1000));
  assert.ok(closes.length > 0, "the restarts reached clients");
  assert.deepEqual([...new Set(closes.map((close) => close.code))], [1001], "1001, never 1006");
  const tallies = clients.map((c) => c.tally());
  const sum = (key) => tallies.reduce((a, t) => a + t[key], 0);
  console.log(`rolling restart, acknowledgements on: ${sum("sent")} sent, ${sum("echoed")} echoed, ` +
    `${sum("duplicated")} duplicated, ${sum("lost")} lost`);
  for (const line of report) console.log(`  ${JSON.stringify(line)}`);
  assert.equal(sum("lost"), 0, "nothing lost");
  assert.equal(sum("duplicatesNotInFlight"), 0, "duplicates only of messages in flight");
  assert.ok(tallies.every((t) => t.inOrder), "in order per client");

  // The page came back by itself each time its instance went, and is connected.
  await browser.waitFor("the page open", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);
  const opens = (await browser.texts(".wsc-info")).filter((line) => line === "connection open").length;
  assert.ok(opens >= 2, `the page reconnected (${opens} opens)`);
  assert.deepEqual(await pageErrors(browser), []);
});

test("control: without acknowledgements, a restart loses what was in flight", async () => {
  const url = `ws://127.0.0.1:${nginxPort}/websocket/test`;
  // Eager clients: a server that is leaving answers what arrives until its client has been quiet
  // for a moment (or for at most 500 ms), then sends its 1001; these are never quiet, so
  // messages of theirs are on their way when the 1001 leaves, and nothing sends them again.
  const clients = Array.from({ length: CLIENTS }, (_, id) => new Client(id, url, { acknowledged: false, eager: true }));
  await waitFor("every client open", () => clients.every((c) => c.open));
  step("control: clients open");
  await waitFor("a steady stream of echoes", () => clients.every((c) => c.echoed.length >= IN_FLIGHT));
  for (const instance of instances.slice(0, 2)) {
    step(`control: stopping ${instance.host}`);
    assert.equal(await instance.stop(), 0);
    step("control: stopped");
    await waitFor("every client open again", () => clients.every((c) => c.open), 10_000);
    await instance.start();
    step("control: restarted");
  }
  for (const client of clients) client.sending = false;
  await waitFor("the open connections' messages echoed", () => clients.every((c) => !c.open || c.unacknowledged.length === 0), 10_000);
  for (const client of clients) client.stop();
  const tallies = clients.map((c) => c.tally());
  const sum = (key) => tallies.reduce((a, t) => a + t[key], 0);
  console.log(`rolling restart, acknowledgements off: ${sum("sent")} sent, ${sum("echoed")} echoed, ` +
    `${sum("duplicated")} duplicated, ${sum("lost")} lost`);
  assert.ok(sum("lost") > 0, "messages in flight at a restart are lost without acknowledgements");
});
