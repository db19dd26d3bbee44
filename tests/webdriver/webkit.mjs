// WebKit's WebDriver for wasm-bindgen-test-runner, whose Safari path asks for a session with
// empty capabilities (so `webdriver.json` never reaches it). This starts WebKitWebDriver (on
// the display in DISPLAY, where it opens WebKitGTK's MiniBrowser) and forwards every request to
// it, adding `acceptInsecureCerts` to each new session: the wss:// tests then accept the test
// certificate, as Chromium and Firefox do through webdriver.json. The test harness points the
// runner here with SAFARIDRIVER_REMOTE; it prints "listening on 127.0.0.1:PORT" when ready, and
// on SIGTERM stops the driver and exits.
//
//   DISPLAY=:99 node tests/webdriver/webkit.mjs [--driver /usr/bin/WebKitWebDriver]
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";

const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const DRIVER = argument("--driver", "/usr/bin/WebKitWebDriver");

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resolves once something accepts connections on `port`, as the driver does when ready. */
const accepting = (port, child) =>
  new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${DRIVER} exited (${code}) before it listened`)));
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      // Not up yet: the driver binds its port a moment after it starts.
      socket.once("error", () => setTimeout(attempt, 50));
    };
    attempt();
  });

const driverPort = await freePort();
const driver = spawn(DRIVER, [`--port=${driverPort}`, "--host=127.0.0.1"], { stdio: ["ignore", "inherit", "inherit"] });
await accepting(driverPort, driver);

/** A new-session request, with `acceptInsecureCerts` required. */
function withInsecureCerts(body) {
  const request = body.length ? JSON.parse(body) : {};
  const capabilities = request.capabilities ?? {};
  request.capabilities = {
    ...capabilities,
    alwaysMatch: { ...(capabilities.alwaysMatch ?? {}), acceptInsecureCerts: true },
  };
  delete request.desiredCapabilities;
  return JSON.stringify(request);
}

const server = http.createServer((incoming, answer) => {
  const chunks = [];
  incoming.on("data", (chunk) => chunks.push(chunk));
  incoming.on("end", () => {
    let body = Buffer.concat(chunks).toString("utf8");
    if (incoming.method === "POST" && /^\/session\/?$/.test(incoming.url)) body = withInsecureCerts(body);
    const headers = { ...incoming.headers, "content-length": Buffer.byteLength(body) };
    delete headers.host;
    const forwarded = http.request(
      { host: "127.0.0.1", port: driverPort, method: incoming.method, path: incoming.url, headers },
      (response) => {
        answer.writeHead(response.statusCode, response.headers);
        response.pipe(answer);
      },
    );
    forwarded.on("error", (error) => {
      answer.writeHead(502, { "content-type": "application/json" });
      answer.end(JSON.stringify({ value: { error: "unknown error", message: String(error) } }));
    });
    forwarded.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${server.address().port}`));

let stopping = false;
const stop = () => {
  stopping = true;
  server.close();
  driver.kill("SIGTERM");
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
driver.on("exit", (code, signal) => {
  if (!stopping) console.error(`${DRIVER} exited (${code ?? signal})`);
  process.exit(stopping ? 0 : 1);
});
