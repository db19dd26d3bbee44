// The processes an end-to-end test starts for itself (a wasm-ws-server on a free port, the
// fault-injecting proxy): started, read for their "listening on" line, and stopped, waited for,
// so that nothing outlives the test.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SERVER_BIN = process.env.WASM_WS_SERVER_BIN ?? `${ROOT}target/debug/wasm-ws-server`;

const started = [];

/** Starts `command` and resolves with the match of `pattern` in its output (its "listening
 * on ..." line: the server's log says "listening on" too, so the pattern is exact). */
export function listening(command, args, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    let seen = "";
    const onData = (chunk) => {
      seen += chunk;
      const found = seen.match(pattern);
      if (found) resolve(found);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${command} exited (${code}): ${seen}`)));
  });
}

/** A wasm-ws-server on a free port serving `staticDir` (relative to the repository), with
 * `args` more; its `host:port`. */
export async function startServer(staticDir, args = []) {
  const [, server] = await listening(SERVER_BIN, [
    "--bind", "127.0.0.1:0", "--static-dir", `${ROOT}${staticDir}`, ...args,
  ], /listening on http:\/\/(\S+)\r?\n/);
  return server;
}

/** Stops everything started here, and waits for it to exit. */
export function stopAll() {
  return Promise.all(started.splice(0).map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill("SIGTERM");
  })));
}
