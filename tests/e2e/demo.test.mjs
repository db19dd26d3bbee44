// The demo page as a person sees it: served by wasm-ws-server (WASM_WS_DEMO_URL), in headless
// Chromium from the system (no browser download). Run by scripts/test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const PAGE_URL = process.env.WASM_WS_DEMO_URL;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PUSH = /^0\.\d\d$/;

let browser;
before(async () => {
  assert.ok(PAGE_URL, "WASM_WS_DEMO_URL must point at a running wasm-ws-server");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without these, Chromium keeps trying hosts this closed network refuses.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});
after(async () => browser?.close());

const received = (page) => page.locator(".wsc-received").allTextContents();

test("greeting, a number every second, echo, and pushes stop after close", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(PAGE_URL);

  await page.locator(".wsc-state", { hasText: "OPEN" }).waitFor({ timeout: 10_000 });
  await page.locator(".wsc-received").first().waitFor();
  assert.equal((await received(page))[0], "连接成功");

  // Two pushes within 2.5 s of the greeting.
  await page.waitForFunction(
    () => [...document.querySelectorAll(".wsc-received")].filter((p) => /^0\.\d\d$/.test(p.textContent)).length >= 2,
    null, { timeout: 2_500 });

  await page.fill(".wsc-input", "你好, wasm-ws!");
  await page.click(".wsc-send");
  await page.locator(".wsc-received", { hasText: "你好, wasm-ws!" }).waitFor({ timeout: 5_000 });

  if (process.env.WASM_WS_SCREENSHOT) {
    await page.screenshot({ path: process.env.WASM_WS_SCREENSHOT });
  }

  await page.click(".wsc-close");
  await page.locator(".wsc-state", { hasText: "CLOSED" }).waitFor({ timeout: 5_000 });
  const pushesAtClose = (await received(page)).filter((line) => PUSH.test(line)).length;
  await page.waitForTimeout(2_000);
  const pushesLater = (await received(page)).filter((line) => PUSH.test(line)).length;
  assert.equal(pushesLater, pushesAtClose, "no push after close connection");
  assert.ok(await page.locator(".wsc-send").isDisabled());
  assert.deepEqual(errors, []);
});

test("the page asks for ws: on the host that served it", async () => {
  const page = await browser.newPage();
  const sockets = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await page.goto(PAGE_URL);
  await page.locator(".wsc-state", { hasText: "OPEN" }).waitFor({ timeout: 10_000 });
  const { host } = new URL(PAGE_URL);
  // Under `trunk serve` the page also opens trunk's own live-reload socket.
  const ours = sockets.filter((url) => !url.includes("/.well-known/trunk/"));
  assert.deepEqual(ours, [`ws://${host}/websocket/test`]);
});
