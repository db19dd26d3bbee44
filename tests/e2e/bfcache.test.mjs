// A page restored from the back-forward cache comes back with its socket closed (WHATWG HTML:
// a document's WebSockets are closed when it is made inactive); with `reconnect_on_wake` (the
// demo page has it) the connection comes back at once, not after the backoff's first delay
// (1 s, ±20 %). In each engine the test leaves the demo page for another page of the same
// site and goes back: where the engine restored the page from its cache (`pageshow` with
// `persisted`), the connection must be OPEN again well before that delay; where it loaded the
// page anew, the test says so and checks that the page connects. Run by scripts/test.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ENGINES, session } from "./browsers.mjs";

const PAGE_URL = process.env.WASM_WS_DEMO_URL;
/** The backoff's shortest first delay: 1 s less its 20 % jitter. */
const SHORTEST_BACKOFF_MS = 800;

// Notes, in the page about to be cached, when it is shown again from the cache, and how long
// after that a new `open` event comes (the log's count of them grows: the page still shows the
// OPEN it had when it was cached).
const WATCH_RESTORE = `addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  const shown = performance.now();
  const opens = () => document.querySelectorAll("#event-log [data-kind=open]").length;
  const before = opens();
  window.__restored = { open_after_ms: null };
  const check = () => {
    if (opens() > before && window.__restored.open_after_ms === null) {
      window.__restored.open_after_ms = performance.now() - shown;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  check();
});`;

for (const engine of ENGINES) {
  test(`${engine}: back from the back-forward cache, the connection comes back at once`, async () => {
    assert.ok(PAGE_URL, "WASM_WS_DEMO_URL must point at a running wasm-ws-server");
    const browser = await session(engine);
    try {
      await browser.goto(PAGE_URL);
      await browser.waitFor("OPEN", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);
      await browser.script(WATCH_RESTORE);
      await browser.goto(new URL("/healthz", PAGE_URL).href);
      await browser.back();
      await browser.waitFor("the demo page again", `document.querySelector(".wsc-state") !== null`);
      const restored = await browser.script("return window.__restored ?? null;");
      if (restored === null) {
        console.log(`bfcache (${engine}): the page was loaded anew, not restored from the cache`);
        await browser.waitFor("OPEN", `document.querySelector(".wsc-state")?.textContent === "OPEN"`);
        return;
      }
      await browser.waitFor("OPEN again", "window.__restored.open_after_ms !== null", 5_000);
      const { open_after_ms: took } = await browser.script("return window.__restored;");
      console.log(`bfcache (${engine}): restored from the cache, OPEN again ${Math.round(took)} ms after pageshow`);
      assert.ok(took < SHORTEST_BACKOFF_MS, `OPEN ${took} ms after pageshow: not at once`);
    } finally {
      await browser.quit();
    }
  });
}
