// The ticker example (examples/ticker) end to end, in headless Chromium: its own wasm-ws-server
// (WASM_WS_SERVER_BIN) serves the built app, with the fault-injecting proxy in front, and the
// page is loaded through the proxy so that the proxy can cut its connection. Run by
// scripts/test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_BIN = process.env.WASM_WS_SERVER_BIN ?? `${ROOT}target/debug/wasm-ws-server`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Starts a command and resolves with its "listening on ..." line; stopped in `after`. */
const started = [];
function listening(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    let seen = "";
    const onData = (chunk) => {
      seen += chunk;
      const line = seen.split("\n").find((l) => l.includes("listening on"));
      if (line) resolve(line);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${command} exited (${code}): ${seen}`)));
  });
}

let browser, server, proxy, control;
before(async () => {
  const serverLine = await listening(SERVER_BIN, [
    "--bind", "127.0.0.1:0", "--static-dir", `${ROOT}examples/ticker/dist`,
  ]);
  server = serverLine.split("http://")[1].trim();
  const proxyLine = await listening("node", [`${ROOT}tests/fault-proxy/proxy.mjs`, "--target", server]);
  [, proxy, control] = proxyLine.match(/listening on (\S+) control (\S+)/);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});
after(async () => {
  await browser?.close();
  for (const child of started) child.kill();
});

const order = (command) => fetch(`http://${control}/${command}`).then((r) => assert.ok(r.ok));
const healthz = () => fetch(`http://${server}/healthz`).then((r) => r.json());
const badge = (page) => page.locator(".badge .status").textContent();

test("one connection for the page: sparkline, typed JSON, a cut, a queued message, offline and online", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const sockets = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await order("restore");
  await page.goto(`http://${proxy}/`);

  // One WebSocket for everything on the page, and the server holds one connection.
  await page.locator(".badge.open").waitFor({ timeout: 10_000 });
  assert.deepEqual(sockets, [`ws://${proxy}/websocket/test`]);
  assert.equal((await healthz()).connections, 1);

  // At least two sparkline points within 2.5 s of opening.
  await page.waitForFunction(
    () => Number(document.querySelector(".sparkline")?.dataset.points) >= 2, null, { timeout: 2_500 });

  // The greeting is not a note: a decode error, shown, not a made-up value.
  await page.locator(".decode-errors", { hasText: "连接成功" }).or(page.locator(".decode-errors", { hasText: "0." }))
    .waitFor({ timeout: 5_000 });

  // A typed JSON note goes out and comes back through the echo.
  await page.fill(".note", "round trip");
  await page.click("button[type=submit]");
  await page.locator(".echo", { hasText: '"round trip"' }).waitFor({ timeout: 5_000 });

  // A cut: the badge says so, and a note sent meanwhile is queued, then delivered.
  await order("refuse");
  await order("cut");
  await page.locator(".badge .status", { hasText: "reconnecting" }).waitFor({ timeout: 5_000 });
  await page.fill(".note", "sent while down");
  await page.click("button[type=submit]");
  await page.locator(".outcome", { hasText: "queued" }).waitFor();
  await page.locator(".badge .queued", { hasText: "1 queued" }).waitFor();
  await order("restore");
  await page.locator(".echo", { hasText: '"sent while down"' }).waitFor({ timeout: 15_000 });
  await page.locator(".badge.open").waitFor();
  assert.equal(await page.locator(".badge .queued").count(), 0, "the queue drained");

  // Offline, then online: the reconnection comes at once, not after the backoff.
  await order("refuse");
  await order("cut");
  // Let the backoff grow past a few seconds (attempts 1, 2, 3: 1 s, 2 s, 4 s, ±20 %).
  await page.locator(".badge .status", { hasText: "attempt 3" }).waitFor({ timeout: 15_000 });
  const waiting = await badge(page);
  await context.setOffline(true);
  await page.locator(".badge .status", { hasText: "offline" }).waitFor({ timeout: 5_000 });
  await order("restore");
  const online = Date.now();
  await context.setOffline(false);
  await page.locator(".badge.open").waitFor({ timeout: 5_000 });
  const took = Date.now() - online;
  const delay = Number(waiting.match(/in ([\d.]+) s/)[1]) * 1000;
  console.log(`ticker: online to open in ${took} ms; the backoff it replaced: ${delay} ms (${waiting})`);
  assert.ok(took < delay, `online to open took ${took} ms, not less than the ${delay} ms backoff`);

  assert.deepEqual(errors, []);
  await context.close();
});
