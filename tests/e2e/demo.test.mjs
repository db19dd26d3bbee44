// The demo page as a person sees it, in each engine (WASM_WS_ENGINES: Chromium, Firefox and
// WebKit by default): served by wasm-ws-server (WASM_WS_DEMO_URL, its log WASM_WS_SERVER_LOG),
// driven over WebDriver. The sample (greeting, a push every second, echo, close), and the
// tutorial's API, live: readyState through its four values, bufferedAmount above zero just
// after a large send, binaryType switched, a binary file echoed, a refused close code and an
// over-long reason shown as the errors the browser would throw. Run by scripts/test.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { COLLECT_ERRORS, ENGINES, pageErrors, session } from "./browsers.mjs";

const PAGE_URL = process.env.WASM_WS_DEMO_URL;
const LOG = process.env.WASM_WS_SERVER_LOG;
const GREETING = "连接成功";
/** A file of this many bytes: large enough to be seen waiting, under the server's 64 KiB. */
const FILE_BYTES = 60_000;
/** A file that goes out in many messages, paced by the flow control: 16 MiB. */
const BIG_FILE_BYTES = 16 << 20;

/** Puts a file of `bytes` zero bytes in the page's file input, as choosing one would. */
const chooseFile = (browser, bytes) =>
  browser.script(`const files = new DataTransfer();
files.items.add(new File([new Uint8Array(arguments[0])], "data.bin"));
document.querySelector("#file").files = files.files;`, bytes);

/** Picks `value` in the select `selector`, as a person would (the change event included). */
const pick = (browser, selector, value) =>
  browser.script(`const select = document.querySelector(arguments[0]);
select.value = arguments[1];
select.dispatchEvent(new Event("change", { bubbles: true }));`, selector, value);

/** An expression: the newest event of `kind` in the page's log, "" if none. Parenthesised,
 * since it is compared with `===`, which binds tighter than `||`. */
const lastEvent = (kind) =>
  `((document.querySelector("#event-log [data-kind=${kind}] span") || {}).textContent || "")`;

/** In the page: whether anything is wider than the window (the page would scroll sideways). */
const OVERFLOWING = `const width = document.documentElement.clientWidth;
return [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > width + 1)
  .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))
  .slice(0, 5);`;

for (const engine of ENGINES) {
  test(`${engine}: on a phone-sized screen, nothing is wider than it and the sample works`, async () => {
    assert.ok(PAGE_URL, "WASM_WS_DEMO_URL must point at a running wasm-ws-server");
    const browser = await session(engine);
    try {
      // The page in a frame of a phone's size (an iPhone's 390 × 844 CSS pixels): windows do
      // not shrink that far in every engine. The frame is held by a page of the same origin
      // (the server's 404), so that the test can then work inside it.
      // A window tall enough for the whole frame: a click lands only on what is in view, and
      // the driver scrolls the frame's document, not the page around it.
      await browser.resize(1024, 1100);
      await browser.goto(new URL("not-a-page", PAGE_URL).href);
      await browser.run(`const loaded = arguments[arguments.length - 1];
const frame = document.createElement("iframe");
frame.style.cssText = "width: 390px; height: 844px; border: 0";
frame.onload = () => loaded();
frame.src = arguments[0];
document.body.replaceChildren(frame);`, PAGE_URL);
      await browser.frame(0);
      await browser.script(COLLECT_ERRORS);
      const width = await browser.script("return window.innerWidth;");
      assert.equal(width, 390, "a phone's width");
      await browser.waitFor("OPEN", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);
      await browser.waitFor("the greeting", `document.querySelector(".wsc-received")?.textContent === ${JSON.stringify(GREETING)}`);
      // Chromium shows the 404 as its own error page, whose frames may not take Web Locks: the
      // page then connects alone (the fallback); elsewhere it leads.
      console.log(`e2e ${engine}: in a frame of a 404 page, the demo's tab is ${await browser.text("#tab-role")}`);
      assert.deepEqual(await browser.script(OVERFLOWING), [], "nothing wider than the screen");
      await browser.type(".wsc-input", "from a phone");
      await browser.click("#send-btn");
      await browser.waitFor("the echo", `[...document.querySelectorAll(".wsc-received")].some((p) => p.textContent === "from a phone")`);
      assert.deepEqual(await browser.script(OVERFLOWING), [], "nothing wider than the screen, with the event log filled");
      assert.deepEqual(await pageErrors(browser), []);
    } finally {
      await browser.quit();
    }
  });
}

for (const engine of ENGINES) {
  test(`${engine}: the sample, and every attribute and event of the API, live`, async () => {
    assert.ok(PAGE_URL, "WASM_WS_DEMO_URL must point at a running wasm-ws-server");
    // WASM_WS_SCREENSHOT=path: the README's screenshot, in Chromium, at a desktop window's size.
    const screenshot = engine === "chromium" ? process.env.WASM_WS_SCREENSHOT : undefined;
    const browser = await session(engine, screenshot ? ["--window-size=1280,1000"] : []);
    const logFrom = LOG ? statSync(LOG).size : 0;
    try {
      await browser.goto(PAGE_URL);
      await browser.script(COLLECT_ERRORS);
      await browser.waitFor("OPEN", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);
      await browser.waitFor("the greeting", `document.querySelector(".wsc-received")?.textContent === ${JSON.stringify(GREETING)}`);
      // Two pushes within 3 s of the greeting.
      await browser.waitFor("two pushes",
        `[...document.querySelectorAll(".wsc-received")].filter((p) => /^0\\.\\d\\d$/.test(p.textContent)).length >= 2`, 3_000);

      // The attributes, as the browser reports them for the page's socket.
      const { host } = new URL(PAGE_URL);
      assert.equal(await browser.text("#url"), `ws://${host}/websocket/test`, "ws: on the host that served the page");
      assert.equal(await browser.text("#ready-state"), "1 OPEN");
      assert.equal(await browser.text(".states [aria-current]"), "1 OPEN", "the four states, the current one marked");
      assert.equal(await browser.text("#ready-state-history"), "0 CONNECTING → 1 OPEN");
      assert.equal(await browser.text("#protocol"), "");
      assert.match(await browser.text("#extensions"), /^permessage-deflate/, "the server negotiates compression");
      assert.equal(await browser.text("#binary-type-now"), "blob", "the browser's default");

      // The sample's echo, sent and received told apart.
      await browser.type(".wsc-input", "你好, wasm-ws!");
      await browser.click("#send-btn");
      await browser.waitFor("the echo", `[...document.querySelectorAll(".wsc-received")].some((p) => p.textContent === "你好, wasm-ws!")`);
      assert.ok((await browser.texts(".wsc-sent")).includes("你好, wasm-ws!"));
      assert.match(await browser.script(`return ${lastEvent("message")};`), /data is a string/);

      // A file, sent as binary, echoed as a Blob; bufferedAmount held it just after send().
      await chooseFile(browser, FILE_BYTES);
      await browser.click("#send-file");
      await browser.waitFor("the file's echo, a Blob", `${lastEvent("message")} === "data is a Blob of ${FILE_BYTES} bytes"`);
      assert.ok(Number(await browser.text("#buffered-after-send")) >= FILE_BYTES, "bufferedAmount just after send()");
      await browser.waitFor("bufferedAmount back to 0", `document.querySelector("#buffered-amount").textContent === "0"`);

      // binaryType switched: the next binary message is an ArrayBuffer, on the same socket.
      await pick(browser, "#binary-type", "arraybuffer");
      await browser.waitFor("binaryType arraybuffer", `document.querySelector("#binary-type-now").textContent === "arraybuffer"`);
      await browser.click("#send-file");
      await browser.waitFor("the echo, an ArrayBuffer", `${lastEvent("message")} === "data is an ArrayBuffer of ${FILE_BYTES} bytes"`);
      assert.equal(await browser.count("#event-log [data-kind=open]"), 1, "switching binaryType did not reconnect");

      // A large file goes out in 64 KiB messages, paced by the buffer (1 MiB at most waits in
      // it): the progress bar follows bufferedAmount down, through values between 0 and done.
      // (After the checks that count the log's lines: its 256 echoes fill the log.)
      await chooseFile(browser, BIG_FILE_BYTES);
      await browser.script(`window.progressSeen = new Set();
const bar = document.querySelector("#file-progress");
new MutationObserver(() => window.progressSeen.add(Number(bar.value))).observe(bar, { attributes: true });
window.chunkEchoes = 0;
new MutationObserver((changes) => {
  for (const change of changes) for (const line of change.addedNodes) {
    if (line.dataset?.kind === "message" && line.textContent.includes("of 65536 bytes")) window.chunkEchoes += 1;
  }
}).observe(document.querySelector("#event-log"), { childList: true });`);
      await browser.click("#send-file");
      await browser.waitFor("the whole file sent", `document.querySelector("#action-outcome").textContent === "sent ${BIG_FILE_BYTES} bytes as ${BIG_FILE_BYTES / 65536} binary messages"`, 30_000);
      await browser.waitFor("the bar full", `Number(document.querySelector("#file-progress").value) === ${BIG_FILE_BYTES}`);
      const between = await browser.script(`return [...window.progressSeen].filter((v) => v > 0 && v < ${BIG_FILE_BYTES}).length;`);
      assert.ok(between >= 2, `the bar moved through ${between} values between empty and full`);
      console.log(`e2e ${engine}: the progress bar showed ${between} values between empty and full for ${BIG_FILE_BYTES} bytes`);
      // Every chunk echoed before the socket closes (WebKit takes its time to make 256 Blobs).
      await browser.waitFor("every chunk's echo", `window.chunkEchoes === ${BIG_FILE_BYTES / 65536}`, 30_000);

      if (screenshot) await browser.screenshot(screenshot);

      // What close(code, reason) refuses, by the name the browser would throw.
      await pick(browser, "#close-code", "1005");
      await browser.click("#close-with");
      await browser.waitFor("InvalidAccessError", `document.querySelector("#action-outcome").textContent.startsWith("InvalidAccessError")`);
      await pick(browser, "#close-code", "4000");
      await browser.type("#close-reason", "x".repeat(124));
      await browser.click("#close-with");
      await browser.waitFor("SyntaxError", `document.querySelector("#action-outcome").textContent.startsWith("SyntaxError")`);
      assert.equal(await browser.text("#ready-state"), "1 OPEN", "refused closes close nothing");

      // Closed with a code and reason: the server answers with them; CLOSING, then CLOSED.
      await browser.type("#close-reason", "bye");
      await browser.click("#close-with");
      await browser.waitFor("the close event", `${lastEvent("close")} === 'code 4000, reason "bye", clean'`);
      assert.equal(await browser.text("#ready-state"), "3 CLOSED");
      assert.equal(await browser.text(".states [aria-current]"), "3 CLOSED");
      assert.equal(await browser.text("#ready-state-history"), "0 CONNECTING → 1 OPEN → 2 CLOSING → 3 CLOSED");
      // Counted in the event log, which keeps every event in the DOM (the console renders only
      // the lines in view).
      const pushes = async () => (await browser.texts("#event-log [data-kind=message] span"))
        .filter((line) => /^data is a string: "0\.\d\d"$/.test(line)).length;
      const atClose = await pushes();
      // Over more than one push interval (1 s), none comes: the socket is closed for good.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(await pushes(), atClose, "no push after close");
      assert.equal(await browser.script(`return document.querySelector("#send-btn").disabled;`), true);

      assert.deepEqual(await pageErrors(browser), []);
      if (LOG) {
        const logged = readFileSync(LOG).subarray(logFrom).toString("utf8");
        assert.doesNotMatch(logged, /favicon/, "no request for a favicon (it is inline)");
      }
    } finally {
      await browser.quit();
    }
  });
}
