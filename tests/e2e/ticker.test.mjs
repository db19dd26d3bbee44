// The ticker example (examples/ticker) end to end, in each engine (WASM_WS_ENGINES): its own
// wasm-ws-server (WASM_WS_SERVER_BIN, compression on) serves the built app, with the
// fault-injecting proxy in front, and the page is loaded through the proxy so that the proxy
// can cut its connection. Run by scripts/test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { COLLECT_ERRORS, ENGINES, pageErrors, session } from "./browsers.mjs";
import { listening, ROOT, startServer, stopAll } from "./processes.mjs";

let server, proxy, control;
before(async () => {
  server = await startServer("examples/ticker/dist", ["--permessage-deflate", "context-takeover"]);
  [, proxy, control] = await listening("node", [`${ROOT}tests/fault-proxy/proxy.mjs`, "--target", server],
    /listening on (\S+) control (\S+)\r?\n/);
});
after(stopAll);

const order = (command) => fetch(`http://${control}/${command}`).then((r) => assert.ok(r.ok));
const healthz = () => fetch(`http://${server}/healthz`).then((r) => r.json());
const badge = `document.querySelector(".badge .status")?.textContent ?? ""`;

/** What the browser says about the network, as the page sees it: `navigator.onLine` shadowed,
 * then the event. (A WebDriver session cannot take a browser offline in every engine.) */
const setOnline = (browser, online) =>
  browser.script(`Object.defineProperty(navigator, "onLine", { configurable: true, get: () => arguments[0] });
dispatchEvent(new Event(arguments[0] ? "online" : "offline"));`, online);

for (const engine of ENGINES) {
  test(`${engine}: one connection for the page: sparkline, typed JSON, a cut, a queued message, offline and online`, async () => {
    const browser = await session(engine);
    try {
      await order("restore");
      await browser.goto(`http://${proxy}/`);
      await browser.script(COLLECT_ERRORS);

      // One WebSocket for everything on the page: the server holds one connection.
      await browser.waitFor("open", `document.querySelector(".badge.open") !== null`);
      assert.equal((await healthz()).connections, 1);

      // At least two sparkline points within 3 s of opening.
      await browser.waitFor("two points", `Number(document.querySelector(".sparkline")?.dataset.points) >= 2`, 3_000);

      // The greeting is not a note: a decode error, shown, not a made-up value.
      await browser.waitFor("a decode error",
        `/连接成功|0\./.test(document.querySelector(".decode-errors")?.textContent ?? "")`, 5_000);

      // A typed JSON note goes out and comes back through the echo.
      await browser.type(".note", "round trip");
      await browser.click("button[type=submit]");
      await browser.waitFor("the echo", `(document.querySelector(".echo")?.textContent ?? "").includes('"round trip"')`, 5_000);

      // A cut: the badge says so, and a note sent meanwhile is queued, then delivered.
      await order("refuse");
      await order("cut");
      await browser.waitFor("reconnecting", `${badge}.includes("reconnecting")`, 5_000);
      await browser.type(".note", "sent while down");
      await browser.click("button[type=submit]");
      await browser.waitFor("queued", `(document.querySelector(".outcome")?.textContent ?? "").includes("queued")`);
      await browser.waitFor("1 queued", `document.querySelector(".badge .queued")?.textContent === "1 queued"`);
      await order("restore");
      await browser.waitFor("the queued note's echo",
        `(document.querySelector(".echo")?.textContent ?? "").includes('"sent while down"')`, 15_000);
      await browser.waitFor("open again", `document.querySelector(".badge.open") !== null`);
      assert.equal(await browser.count(".badge .queued"), 0, "the queue drained");

      // Offline, then online: the reconnection comes at once, not after the backoff.
      await order("refuse");
      await order("cut");
      // Let the backoff grow past a few seconds (attempts 1, 2, 3: 1 s, 2 s, 4 s, ±20 %).
      await browser.waitFor("attempt 3", `${badge}.includes("attempt 3")`, 15_000);
      const waiting = await browser.script(`return ${badge};`);
      await setOnline(browser, false);
      await browser.waitFor("offline", `${badge}.includes("offline")`, 5_000);
      await order("restore");
      const online = Date.now();
      await setOnline(browser, true);
      await browser.waitFor("open at once", `document.querySelector(".badge.open") !== null`, 5_000);
      const took = Date.now() - online;
      const delay = Number(waiting.match(/in ([\d.]+) s/)[1]) * 1000;
      console.log(`ticker (${engine}): online to open in ${took} ms; the backoff it replaced: ${delay} ms (${waiting})`);
      assert.ok(took < delay, `online to open took ${took} ms, not less than the ${delay} ms backoff`);
      assert.deepEqual(await pageErrors(browser), []);
    } finally {
      await browser.quit();
    }
  });
}
