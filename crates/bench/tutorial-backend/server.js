// The app around the tutorial's router, as the tutorial's project wires it:
//   PORT=3000 node server.js
// PER_MESSAGE_DEFLATE=1 turns on ws's permessage-deflate (its defaults: context takeover both
// ways, 15-bit windows, messages under 1 KiB sent uncompressed), for the compression benchmark.
const express = require("express");
const expressWs = require("express-ws");

const app = express();
const perMessageDeflate = process.env.PER_MESSAGE_DEFLATE === "1";
expressWs(app, undefined, { wsOptions: { perMessageDeflate } });
app.use("/websocket", require("./router"));

const server = app.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  console.log(`tutorial backend listening on http://127.0.0.1:${server.address().port}`);
});
