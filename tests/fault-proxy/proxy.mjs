// A fault-injecting TCP proxy for the resilience tests, in the spirit of Toxiproxy.
//
//   node tests/fault-proxy/proxy.mjs --target 127.0.0.1:3000 [--port 0] [--control-port 0]
//
// It forwards TCP connections from --port to --target, and takes orders over HTTP on
// --control-port (any Origin may call it, so that browser tests can):
//   GET /cut       closes every open connection at once
//   GET /refuse    closes every new connection as soon as it is accepted
//   GET /silence   keeps connections (open and new) open but forwards nothing, either way
//   GET /pause     stops reading what clients send on open connections (the server still
//                  talks): their TCP buffers fill, then the browser's send buffer
//                  (`bufferedAmount`) grows, as over a slow uplink
//   GET /resume    reads what clients send again
//   GET /restore   back to normal forwarding for new connections (and resumes reading)
//   GET /status    {"mode": ..., "connections": N}
// On start it prints one line: "fault-proxy listening on HOST:PORT control HOST:PORT".
import net from "node:net";
import http from "node:http";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const [targetHost, targetPort] = (args.target ?? "127.0.0.1:3000").split(":");

let mode = "normal"; // "normal" | "refuse" | "silence"
const connections = new Set();

const proxy = net.createServer((client) => {
  if (mode === "refuse") {
    client.destroy();
    return;
  }
  const upstream = net.connect(Number(targetPort), targetHost);
  const pair = { client, upstream, silent: mode === "silence" };
  connections.add(pair);
  const forget = () => {
    connections.delete(pair);
    client.destroy();
    upstream.destroy();
  };
  client.on("data", (data) => pair.silent || upstream.write(data));
  upstream.on("data", (data) => pair.silent || client.write(data));
  for (const socket of [client, upstream]) {
    socket.on("close", forget);
    socket.on("error", forget);
  }
});

const control = http.createServer((request, response) => {
  const command = new URL(request.url, "http://control").pathname.slice(1);
  response.setHeader("Access-Control-Allow-Origin", "*");
  response.setHeader("Content-Type", "application/json");
  switch (command) {
    case "cut":
      for (const { client, upstream } of connections) {
        client.destroy();
        upstream.destroy();
      }
      connections.clear();
      break;
    case "refuse":
      mode = "refuse";
      break;
    case "silence":
      mode = "silence";
      for (const pair of connections) pair.silent = true;
      break;
    case "pause":
      for (const { client } of connections) client.pause();
      break;
    case "resume":
      for (const { client } of connections) client.resume();
      break;
    case "restore":
      mode = "normal";
      for (const { client } of connections) client.resume();
      break;
    case "status":
      break;
    default:
      response.statusCode = 404;
  }
  response.end(JSON.stringify({ mode, connections: connections.size }) + "\n");
});

proxy.listen(Number(args.port ?? 0), "127.0.0.1", () => {
  control.listen(Number(args["control-port"] ?? 0), "127.0.0.1", () => {
    const address = (server) => `127.0.0.1:${server.address().port}`;
    console.log(`fault-proxy listening on ${address(proxy)} control ${address(control)}`);
  });
});
