// Leaving the page closes its WebSocket with 1001 ("going away"; WHATWG HTML, unloading a
// document makes its WebSockets disappear), in each engine: the demo page is opened, then the
// browser navigates away, and the server's log (WASM_WS_SERVER_LOG, the wasm-ws-server that
// serves WASM_WS_DEMO_URL) must show the close code the engine sent.
//
// Chromium does not unload a page it can keep in its back/forward cache: navigating away from
// the demo leaves the page frozen there with its socket open (observed: no close within 10 s;
// 1001 when the browser exits or evicts the page). So Chromium runs with that cache off, which
// is the case the standard's rule is about; Firefox and WebKit unload at once.
// Run by scripts/test.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync, watch } from "node:fs";
import { ENGINES, session } from "./browsers.mjs";

const PAGE_URL = process.env.WASM_WS_DEMO_URL;
const LOG = process.env.WASM_WS_SERVER_LOG;

const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** The first line of the server's log after byte `from` that matches `pattern`, as it comes. */
function nextLogLine(from, pattern, ms) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = plain(readFileSync(LOG, "utf8").slice(from)).split("\n").find((l) => pattern.test(l));
      if (line) {
        watcher.close();
        clearTimeout(timer);
        resolve(line);
      }
    };
    const watcher = watch(LOG, check);
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`no log line matching ${pattern} within ${ms} ms`));
    }, ms);
    check();
  });
}

// Resolves once the console shows OPEN (a MutationObserver, not a poll).
const WAIT_FOR_OPEN = `const done = arguments[arguments.length - 1];
const open = () => document.querySelector(".wsc-state")?.textContent === "OPEN";
if (open()) return done(true);
new MutationObserver((_, observer) => { if (open()) { observer.disconnect(); done(true); } })
  .observe(document.body, { subtree: true, childList: true, characterData: true });`;

/** What each engine needs to unload a page it leaves. */
const ARGS = { chromium: ["--disable-back-forward-cache"] };

for (const engine of ENGINES) {
  test(`${engine}: leaving the page closes its socket with 1001`, async () => {
    assert.ok(PAGE_URL && LOG, "WASM_WS_DEMO_URL and WASM_WS_SERVER_LOG must be set");
    const browser = await session(engine, ARGS[engine] ?? []);
    try {
      await browser.goto(PAGE_URL);
      await browser.run(WAIT_FOR_OPEN);
      const before = statSync(LOG).size;
      await browser.goto("about:blank");
      const line = await nextLogLine(before, /connection (closed|gone) endpoint="sample"/, 10_000);
      assert.match(line, /connection closed.*code=Some\(Away\)/, `the server saw: ${line}`);
    } finally {
      await browser.quit();
    }
  });
}
