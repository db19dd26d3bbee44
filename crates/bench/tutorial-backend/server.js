// The app around the tutorial's router, as the tutorial's project wires it:
//   PORT=3000 node server.js
const express = require("express");
const expressWs = require("express-ws");

const app = express();
expressWs(app);
app.use("/websocket", require("./router"));

const server = app.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  console.log(`tutorial backend listening on http://127.0.0.1:${server.address().port}`);
});
