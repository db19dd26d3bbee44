// A minimal WebDriver client, for what Playwright cannot drive here: Debian's Firefox ESR
// (Playwright needs its own patched Firefox, which cannot be downloaded). Both engines go through
// their own driver (chromedriver, geckodriver), headless, with the same calls.
import { spawn } from "node:child_process";

const ENGINES = {
  chromium: {
    driver: "chromedriver",
    args: (port) => [`--port=${port}`],
    ready: /was started successfully/,
    capabilities: {
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: "/usr/bin/chromium",
        args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      },
    },
  },
  firefox: {
    driver: "geckodriver",
    args: (port) => ["--port", String(port)],
    ready: /Listening on/,
    capabilities: { browserName: "firefox", "moz:firefoxOptions": { args: ["-headless"] } },
  },
};

/** Starts the engine's driver on `port` and opens a session, with extra browser arguments;
 * call `quit()` when done. */
export async function session(engine, port, extraArgs = []) {
  const spec = ENGINES[engine];
  const capabilities = structuredClone(spec.capabilities);
  const options = capabilities["goog:chromeOptions"] ?? capabilities["moz:firefoxOptions"];
  options.args.push(...extraArgs);
  const driver = spawn(spec.driver, spec.args(port), { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk) => {
      seen += chunk;
      if (spec.ready.test(seen)) resolve();
    };
    driver.stdout.on("data", onData);
    driver.stderr.on("data", onData);
    driver.on("exit", (code) => reject(new Error(`${spec.driver} exited (${code}): ${seen}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  const created = await call("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
  const id = created.sessionId;
  return {
    goto: (url) => call("POST", `/session/${id}/url`, { url }),
    /** Runs `script` (the body of an async function whose last argument is `done`). */
    run: (script, ...args) => call("POST", `/session/${id}/execute/async`, { script, args }),
    async quit() {
      await call("DELETE", `/session/${id}`).catch(() => {});
      driver.kill();
    },
  };
}
