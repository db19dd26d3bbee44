// The three engines, driven the same way over W3C WebDriver (no browser download, no
// Playwright): Chromium through chromedriver, Firefox ESR through geckodriver, WebKit
// (WebKitGTK's MiniBrowser) through WebKitWebDriver on the display in DISPLAY. The tests use the
// few calls below, waiting for conditions in the page (a MutationObserver), never for time.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

/** The engines to run, from WASM_WS_ENGINES ("chromium firefox webkit" by default). */
export const ENGINES = (process.env.WASM_WS_ENGINES ?? "chromium firefox webkit").split(/[\s,]+/).filter(Boolean);

const CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const DRIVERS = {
  chromium: {
    command: "chromedriver",
    args: (port) => [`--port=${port}`],
    capabilities: (args) => ({
      browserName: "chrome",
      "goog:chromeOptions": { binary: process.env.CHROMIUM ?? "/usr/bin/chromium", args: [...CHROMIUM_ARGS, ...args] },
    }),
  },
  firefox: {
    command: "geckodriver",
    args: (port) => ["--port", String(port)],
    capabilities: (args) => ({ browserName: "firefox", "moz:firefoxOptions": { args: ["-headless", ...args] } }),
  },
  webkit: {
    command: "/usr/bin/WebKitWebDriver",
    args: (port) => [`--port=${port}`],
    // Empty capabilities open MiniBrowser; it has no command-line options to pass.
    capabilities: () => ({}),
  },
};

export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resolves once the driver answers on `base`; a driver binds its port a moment after it starts. */
async function answering(base, driver) {
  let exited = null;
  driver.once("exit", (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`the driver exited (${exited}) before it answered`);
    const status = await fetch(`${base}/status`).catch(() => null);
    if (status?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts `engine`'s driver and a session (extra browser arguments for Chromium and Firefox).
 * Call `quit()` when done: it ends the session and stops the driver, and resolves once the
 * driver has exited. */
export async function session(engine, args = []) {
  const spec = DRIVERS[engine];
  if (!spec) throw new Error(`no engine ${engine}`);
  if (engine === "webkit" && !process.env.DISPLAY) throw new Error("WebKit needs a display: set DISPLAY");
  const port = await freePort();
  const driver = spawn(spec.command, spec.args(port), { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  driver.stderr.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  await answering(base, driver);
  const call = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${engine}: ${method} ${path}: ${JSON.stringify(json.value)}\n${log}`);
    return json.value;
  };
  const created = await call("POST", "/session", { capabilities: { alwaysMatch: spec.capabilities(args) } });
  const id = created.sessionId;
  const at = (path) => `/session/${id}${path}`;
  await call("POST", at("/timeouts"), { script: 60_000, pageLoad: 60_000 });
  const element = async (selector) =>
    Object.values(await call("POST", at("/element"), { using: "css selector", value: selector }))[0];
  const browser = {
    engine,
    version: created.capabilities.browserVersion,
    goto: (url) => call("POST", at("/url"), { url }),
    /** The browser's Back button; resolves once the page is shown. */
    back: () => call("POST", at("/back"), {}),
    /** Runs `body` (a function body; `arguments` are `args`) in the page; its return value. */
    script: (body, ...args) => call("POST", at("/execute/sync"), { script: body, args }),
    /** Runs `body` asynchronously: its last argument is the callback that finishes it. */
    run: (body, ...args) => call("POST", at("/execute/async"), { script: body, args }),
    /** Clicks the first element that matches, as a user would (scrolled into view). */
    click: async (selector) => call("POST", at(`/element/${await element(selector)}/click`), {}),
    /** Types `text` into the first element that matches, after clearing it. */
    type: async (selector, text) => {
      const id = await element(selector);
      await call("POST", at(`/element/${id}/clear`), {});
      await call("POST", at(`/element/${id}/value`), { text });
    },
    texts: (selector) =>
      browser.script("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);", selector),
    text: async (selector) => (await browser.texts(selector))[0] ?? null,
    count: async (selector) => (await browser.texts(selector)).length,
    /** Opens a window of its own (a top-level browsing context, as a user's new window or
     * tab) and sends the commands that follow to it; its handle. */
    async newWindow() {
      const { handle } = await call("POST", at("/window/new"), { type: "window" });
      await call("POST", at("/window"), { handle });
      return handle;
    },
    /** Resizes the window (outer size, in CSS pixels). */
    resize: (width, height) => call("POST", at("/window/rect"), { width, height }),
    /** The handle of the window the commands go to. */
    windowHandle: () => call("GET", at("/window")),
    /** Sends the commands that follow to the window `handle`. */
    switchTo: (handle) => call("POST", at("/window"), { handle }),
    /** Closes the current window, as its user would; the handles of the windows left (switch
     * to one of them next). */
    closeWindow: () => call("DELETE", at("/window")),
    /** Sends the commands that follow to the `index`th frame of the page. */
    frame: (index) => call("POST", at("/frame"), { id: index }),
    /** Saves a PNG of the window to `path`. */
    async screenshot(path) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(path, Buffer.from(await call("GET", at("/screenshot")), "base64"));
    },
    /** Waits until the expression `condition` (JS, in the page) is true, re-checked at every
     * change of the document, failing after `ms` with `what` in the message. */
    async waitFor(what, condition, ms = 10_000) {
      const held = await browser.run(WAIT_FOR, condition, ms);
      if (held !== true) throw new Error(`${engine}: not within ${ms} ms: ${what}; then: ${held}`);
    },
    async quit() {
      await call("DELETE", at("")).catch(() => {});
      const exited = new Promise((resolve) => driver.once("exit", resolve));
      driver.kill("SIGTERM");
      await exited;
    },
  };
  return browser;
}

// Resolves true as soon as the condition holds (checked now and after every DOM change); after
// the time given, what the page shows then (whether it is visible, its text's ends), for a
// failure seen once in a CI log to explain itself. Arguments: the condition's source, the
// milliseconds, the callback.
const WAIT_FOR = `const [source, ms, done] = arguments;
const holds = new Function("return (" + source + ");");
const check = () => { try { return Boolean(holds()); } catch (_) { return false; } };
if (check()) return done(true);
const shown = () => {
  try {
    const text = document.body?.innerText ?? "";
    return document.visibilityState + " page; its text begins " + JSON.stringify(text.slice(0, 300)) +
      (text.length > 300 ? " and ends " + JSON.stringify(text.slice(Math.max(300, text.length - 300))) : "");
  } catch (error) {
    return "a page that could not be read (" + error + ")";
  }
};
const observer = new MutationObserver(() => { if (check()) finish(true); });
const timer = setTimeout(() => finish(check() || shown()), ms);
function finish(result) { observer.disconnect(); clearTimeout(timer); done(result); }
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });`;

/** Errors the page throws from now on, kept in the page: call `pageErrors(browser)` to read them. */
export const COLLECT_ERRORS = `window.__errors = [];
addEventListener("error", (event) => window.__errors.push(String(event.message)));
addEventListener("unhandledrejection", (event) => window.__errors.push(String(event.reason)));`;
export const pageErrors = (browser) => browser.script("return window.__errors ?? [];");
