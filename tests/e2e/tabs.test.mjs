// One connection for every tab, end to end, in each engine (WASM_WS_ENGINES): several windows
// of one WebDriver session are the tabs of one origin, with the browser's own Web Locks and
// BroadcastChannel. The tabs example (examples/tabs: shared, the echo as the acknowledgement)
// and the demo page, each served by a wasm-ws-server of its own (WASM_WS_SERVER_BIN), whose
// /healthz counts its WebSockets. Run by scripts/test.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { COLLECT_ERRORS, ENGINES, pageErrors, session } from "./browsers.mjs";
import { startServer, stopAll } from "./processes.mjs";

/** How many messages a burst sends (examples/tabs). */
const BURST = 100;

let example, demo;
before(async () => {
  example = await startServer("examples/tabs/dist");
  demo = await startServer("dist");
});
after(stopAll);

const connections = (server) => fetch(`http://${server}/healthz`).then((r) => r.json()).then((h) => h.connections);
const text = (browser, id) => browser.script(`return document.querySelector(arguments[0])?.textContent ?? "";`, id);

/** Opens the example in a window of its own, shared and open; its handle and the tab's id. */
async function openTab(browser, first) {
  const handle = first ? await browser.windowHandle() : await browser.newWindow();
  await browser.goto(`http://${example}/`);
  await browser.script(COLLECT_ERRORS);
  await browser.waitFor("open", `document.querySelector("#status")?.textContent === "open"`);
  await browser.waitFor("a part", `/^(leading|following)$/.test(document.querySelector("#role")?.textContent)`);
  return { handle, id: await text(browser, "#tab-id") };
}

/** Whether two windows' lists of pushes, read at slightly different times, are one sequence:
 * some alignment makes at least `overlap` of them coincide, and every coinciding pair equal. */
function sameSequence(a, b, overlap = 5) {
  for (let shift = -b.length + overlap; shift <= a.length - overlap; shift += 1) {
    const pairs = b.map((value, i) => [a[i + shift], value]).filter(([mine]) => mine !== undefined);
    if (pairs.length >= overlap && pairs.every(([mine, theirs]) => mine === theirs)) return true;
  }
  return false;
}

/** The n's of `id`'s burst messages among the echoes, in arrival order. */
const echoesOf = (echoes, id) =>
  echoes.split(" ").filter((token) => token.startsWith(`${id}:`)).map((token) => Number(token.split(":")[1]));

for (const engine of ENGINES) {
  test(`${engine}: three tabs, one connection; the same pushes in each, each tab's sends in order; the leader closed mid-stream, nothing lost`, async () => {
    const browser = await session(engine);
    try {
      // Three tabs: one leads, the others follow; the server holds one WebSocket.
      const tabs = [await openTab(browser, true), await openTab(browser, false), await openTab(browser, false)];
      const roles = [];
      for (const tab of tabs) {
        await browser.switchTo(tab.handle);
        roles.push(await text(browser, "#role"));
      }
      assert.deepEqual(roles, ["leading", "following", "following"], "the first tab took the lock");
      assert.equal(await connections(example), 1, "three tabs, one connection");

      // The pushes: the same, in the same order, in every tab.
      const pushes = [];
      for (const tab of tabs) {
        await browser.switchTo(tab.handle);
        await browser.waitFor("eight pushes", `document.querySelector("#pushes").textContent.split(" ").length >= 8`, 15_000);
        pushes.push((await text(browser, "#pushes")).split(" "));
      }
      for (const other of pushes.slice(1)) {
        assert.ok(sameSequence(pushes[0], other), `the leader's ${pushes[0]} and a follower's ${other}`);
      }

      // Sends from the leader and a follower at once: each tab's arrive in its order, once each.
      for (const tab of tabs.slice(0, 2)) {
        await browser.switchTo(tab.handle);
        await browser.click("#burst");
        // The click took: a click lost on a moving button would otherwise fail only as a burst
        // never acknowledged, 30 s later.
        await browser.waitFor("the burst under way", `Number(document.querySelector("#sent").textContent) > 0`);
      }
      for (const tab of tabs.slice(0, 2)) {
        await browser.switchTo(tab.handle);
        await browser.waitFor("the burst acknowledged", `document.querySelector("#acknowledged").textContent === "${BURST}"`, 30_000);
      }
      await browser.switchTo(tabs[2].handle);
      await browser.waitFor("both bursts' echoes", `document.querySelector("#echoes").textContent.split(" ").length >= ${2 * BURST}`, 30_000);
      const echoes = await text(browser, "#echoes");
      const inOrder = Array.from({ length: BURST }, (_, i) => i + 1);
      for (const tab of tabs.slice(0, 2)) {
        assert.deepEqual(echoesOf(echoes, tab.id), inOrder, `tab ${tab.id}'s sends, in its order, once each`);
      }

      // The leading window closes while the third tab's burst is under way: another tab
      // leads, and every message of the burst is acknowledged.
      await browser.switchTo(tabs[2].handle);
      await browser.click("#burst");
      await browser.waitFor("a part of the burst out", `Number(document.querySelector("#sent").textContent) >= 20`, 10_000);
      for (const tab of tabs.slice(1)) {
        await browser.switchTo(tab.handle);
        // When this tab's connection is back: it went down with the leader, then came back.
        await browser.script(`window.handover = { down: null, up: null };
new MutationObserver(() => {
  const open = document.querySelector("#status").textContent === "open";
  if (!open && handover.down === null) handover.down = Date.now();
  if (open && handover.down !== null && handover.up === null) handover.up = Date.now();
}).observe(document.querySelector("#status"), { childList: true, characterData: true, subtree: true });`);
      }
      await browser.switchTo(tabs[0].handle);
      const closedAt = Date.now();
      await browser.closeWindow();
      const handovers = [];
      const left = [];
      for (const tab of tabs.slice(1)) {
        await browser.switchTo(tab.handle);
        await browser.waitFor("open after the handover", `window.handover.up !== null`, 30_000);
        handovers.push((await browser.script("return window.handover.up;")) - closedAt);
        left.push(await text(browser, "#role"));
      }
      assert.deepEqual(left.sort(), ["following", "leading"], "one of the two leads now");
      await browser.switchTo(tabs[2].handle);
      await browser.waitFor("the whole burst sent", `document.querySelector("#sent").textContent === "${BURST}"`, 30_000);
      await browser.waitFor("the whole burst acknowledged", `document.querySelector("#acknowledged").textContent === "${BURST}"`, 30_000);
      assert.equal(await text(browser, "#unacknowledged"), "0");
      const third = echoesOf(await text(browser, "#echoes"), tabs[2].id);
      const lost = inOrder.filter((n) => !third.includes(n));
      assert.deepEqual(lost, [], "0 lost");
      assert.equal(await connections(example), 1, "one connection again");
      console.log(`tabs (${engine}): handover (leading window closed → both tabs open again) in ${Math.max(...handovers)} ms; 0 of ${BURST} lost, ${third.length - BURST} echoed twice (at least once)`);
      for (const tab of tabs.slice(1)) {
        await browser.switchTo(tab.handle);
        assert.deepEqual(await pageErrors(browser), []);
      }
    } finally {
      await browser.quit();
    }
  });

  test(`${engine}: the demo page in two tabs holds one socket, and says so`, async () => {
    const browser = await session(engine);
    try {
      await browser.goto(`http://${demo}/`);
      await browser.waitFor("leading", `document.querySelector("#tab-role")?.textContent === "leading"`);
      await browser.newWindow();
      await browser.goto(`http://${demo}/`);
      await browser.waitFor("following", `document.querySelector("#tab-role")?.textContent === "following"`);
      await browser.click("#count-connections");
      await browser.waitFor("one socket on the server", `document.querySelector("#server-connections")?.textContent === "1"`);
      assert.equal(await connections(demo), 1);
      // The sample works from the following tab: its echo comes back through the leader.
      await browser.type(".wsc-input", "from the second tab");
      await browser.click("#send-btn");
      await browser.waitFor("the echo", `[...document.querySelectorAll(".wsc-received")].some((p) => p.textContent === "from the second tab")`);
    } finally {
      await browser.quit();
    }
  });
}
