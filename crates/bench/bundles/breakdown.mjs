// What costs what in a wasm bundle, for scripts/bundle-sizes.sh: the functions and data an app
// has beyond a base app (the demo page beyond a one-button Yew app, say), grouped by what they
// belong to, in bytes of the optimised module. Reads the wasm itself (its code section and its
// name section, kept by `wasm-opt -g`); needs nothing but node.
//
//   node breakdown.mjs BASE.wasm APP.wasm [BEFORE_BASE.wasm BEFORE_APP.wasm]
//
// Prints Markdown: the groups, then the largest items (BREAKDOWN_TOP of them, 20 by default),
// with a "before" column when the second pair is given. Items are matched by name across the
// two modules (hashes and numbered copies set aside), so a function inlined differently in the
// two shows as a difference of its own size: the groups are exact in total, an approximation
// item by item.
import { readFileSync } from "node:fs";

function leb(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at.i++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
}

// Item name -> bytes: every function body (by its name) and the data segments (as one item).
function items(path) {
  const bytes = readFileSync(path);
  const at = { i: 8 };
  let imported = 0, bodies = [], names = new Map(), data = 0;
  while (at.i < bytes.length) {
    const id = bytes[at.i++];
    const size = leb(bytes, at);
    const end = at.i + size;
    if (id === 2) {
      for (let n = leb(bytes, at); n > 0; n--) {
        for (let s = 0; s < 2; s++) {
          const length = leb(bytes, at); // module, then field
          at.i += length;
        }
        const kind = bytes[at.i++];
        if (kind === 0) { imported++; leb(bytes, at); }
        else if (kind === 1) { at.i++; const flags = leb(bytes, at); leb(bytes, at); if (flags & 1) leb(bytes, at); }
        else if (kind === 2) { const flags = leb(bytes, at); leb(bytes, at); if (flags & 1) leb(bytes, at); }
        else if (kind === 3) { at.i += 2; }
        else throw new Error(`import kind ${kind}`);
      }
    } else if (id === 10) {
      for (let n = leb(bytes, at); n > 0; n--) {
        const body = leb(bytes, at);
        bodies.push(body);
        at.i += body;
      }
    } else if (id === 11) {
      data += size;
    } else if (id === 0) {
      const nameLength = leb(bytes, at);
      const name = bytes.subarray(at.i, at.i + nameLength).toString();
      at.i += nameLength;
      if (name === "name") {
        while (at.i < end) {
          const sub = bytes[at.i++];
          const subSize = leb(bytes, at);
          const subEnd = at.i + subSize;
          if (sub === 1) {
            for (let n = leb(bytes, at); n > 0; n--) {
              const index = leb(bytes, at);
              const length = leb(bytes, at);
              names.set(index, bytes.subarray(at.i, at.i + length).toString());
              at.i += length;
            }
          }
          at.i = subEnd;
        }
      }
    }
    at.i = end;
  }
  const result = new Map();
  const add = (name, size) => result.set(name, (result.get(name) ?? 0) + size);
  bodies.forEach((size, n) => add(clean(names.get(imported + n) ?? `function ${imported + n}`), size));
  add("data segments (strings, tables, vtables, panic locations)", data);
  return result;
}

// A name without what differs between two builds of the same code: hashes, crate
// disambiguators, and the suffix of a numbered copy.
function clean(name) {
  return name
    .replace(/::h[0-9a-f]{16}$/, "")
    .replace(/\[[0-9a-f]{16}\]/g, "")
    .replace(/\.\d+$/, "");
}

const GROUPS = [
  ["float printing (`f64` Display, flt2dec)", /f64 as core::fmt|f32 as core::fmt|flt2dec|float_to_decimal|Big32x40|::dragon::|::grisu::|formatted_parts|digits_to_dec_str/],
  ["128-bit integers (`u128` printing and division)", /u128|__multi3|__udivti3|__umodti3|__divti3/],
  ["streams (`WebSocket::stream`, `events()`)", /StreamQueue|StreamList|Streams for|WebSocketStream|ConnectionEvents|FanOut<T>::subscribe/],
  // Linked only into an app that shares (a `TabSharing`, `share_across_tabs`): 0 elsewhere.
  ["wasm-ws-client: sharing across tabs (Web Locks, BroadcastChannel, the relay)", /wasm_ws_client::reconnecting::tabs::(?!TabRole)/],
  ["wasm-ws-client: reconnecting layer (driver and core)", /wasm_ws_client::reconnecting/],
  ["wasm-ws-client: socket, dispatch, URL and protocol checks, errors", /wasm_ws_client/],
  ["wasm-ws-yew: console", /wasm_ws_yew::components::console/],
  ["wasm-ws-yew: hooks, provider, history", /wasm_ws_yew/],
  ["data segments (strings, tables, vtables, panic locations)", /^data segments/],
  // What cannot be told apart by name: generic code instantiated for these crates' types, net
  // of what the base had (the base may inline differently, so this can be negative).
  ["Yew, core, alloc, std, wasm-bindgen: generic code for these types, net of the base's", /./],
];
function group(name) {
  return GROUPS.find(([, pattern]) => pattern.test(name))[0];
}

// Item -> bytes the app has beyond the base (negative: fewer).
function beyond(basePath, appPath) {
  const base = items(basePath), app = items(appPath);
  const diff = new Map();
  for (const name of new Set([...base.keys(), ...app.keys()])) {
    const d = (app.get(name) ?? 0) - (base.get(name) ?? 0);
    if (d !== 0) diff.set(name, d);
  }
  return diff;
}

function byGroup(diff) {
  const groups = new Map(GROUPS.map(([name]) => [name, 0]));
  for (const [name, d] of diff) groups.set(group(name), groups.get(group(name)) + d);
  return groups;
}

const sum = (map) => [...map.values()].reduce((a, b) => a + b, 0);
const [basePath, appPath, beforeBase, beforeApp] = process.argv.slice(2);
const after = beyond(basePath, appPath);
const before = beforeApp ? beyond(beforeBase, beforeApp) : null;
const groupsAfter = byGroup(after), groupsBefore = before && byGroup(before);

const cell = (n) => (n === undefined ? "" : n.toLocaleString("en-US"));
const header = before ? "| what | before (B) | after (B) |\n|---|---|---|" : "| what | bytes |\n|---|---|";
const row = (name, b, a) => (before ? `| ${name} | ${cell(b)} | ${cell(a)} |` : `| ${name} | ${cell(a)} |`);
const lines = [header];
for (const [name] of GROUPS) {
  const a = groupsAfter.get(name), b = groupsBefore?.get(name);
  // The sharing row stays when empty: that it is 0 is the point of it.
  if (a !== 0 || (b ?? 0) !== 0 || name.includes("sharing across tabs")) lines.push(row(name, b, a));
}
lines.push(row("**total**", before && sum(before), sum(after)));
lines.push("");

// The largest items, of either build.
const top = new Map();
for (const [name, d] of after) if (d > 0) top.set(name, d);
if (before) for (const [name, d] of before) if (d > 0) top.set(name, Math.max(top.get(name) ?? 0, d));
const largest = [...top.entries()]
  .filter(([name]) => !name.startsWith("data segments"))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(process.env.BREAKDOWN_TOP ?? 20));
lines.push(before ? "| largest items | before (B) | after (B) |\n|---|---|---|" : "| largest items | bytes |\n|---|---|");
for (const [name] of largest) {
  const shown = name.length > 110 ? `${name.slice(0, 107)}...` : name;
  lines.push(row(`\`${shown.replaceAll("|", "\\|").replaceAll("`", "'")}\``, before ? before.get(name) ?? 0 : undefined, after.get(name) ?? 0));
}
console.log(lines.join("\n"));
