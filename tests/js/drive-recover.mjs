// Recovery on another node through the generated client in Node (the ws package as WebSocket), against ChatConsumer of
// tests/Consumers.Nats.Tests on two app nodes over one nats-server with JetStream: the client's socket on node A is cut
// abruptly (terminate) while node B's user keeps talking, and its next socket lands on node B (as a load balancer
// without sticky routing may send it); node B recovers the session from the client's position vector: the state goes
// "recovered", every line arrives once and in order, no $origin frame reaches the app.
// Usage: node drive-recover.mjs <base-url of node A> <base-url of node B>
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";

const [baseA, baseB] = process.argv.slice(2);
const folder = await downloadClient(baseA);
const { ChatConsumerClient } = await import(pathToFileURL(join(folder, "client.js")).href);
const wsA = baseA.replace(/^http/, "ws");
const wsB = baseB.replace(/^http/, "ws");

async function eventually(condition, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

// The "load balancer": once `toB` is set, new sockets go to node B.
const sockets = [];
let toB = false;
class Balanced extends WebSocket {
  constructor(url, ...rest) {
    super(toB ? url.replace(wsA, wsB) : url, ...rest);
    sockets.push(this);
    this.addEventListener("message", event => {
      const frame = JSON.parse(event.data.toString());
      for (const f of Array.isArray(frame) ? frame : [frame]) if (f.text?.startsWith("probe")) sawProbe = true;
    });
  }
}
let sawProbe = false;

const states = [];
const client = await ChatConsumerClient.connect(`${wsA}/ws/rooms/js`, { WebSocket: Balanced, retryDelay: 50, onState: s => states.push(s) });
assert.equal(sockets[0].protocol, "consumers.resume");
const lines = [];
let origins = 0;
client.on("frame", frame => {
  if (frame.action === "$origin") origins++;
  else if (typeof frame.text === "string" && !frame.text.startsWith("probe")) lines.push(frame.text);
});

// Node B's user; its first lines go out until node A's subscription carries them.
const sender = await ChatConsumerClient.connect(`${wsB}/ws/rooms/js`, { WebSocket, resume: false });
let probes = 0;
// Probes (not counted as lines) until one reaches the client through NATS.
while (!sawProbe && probes < 150) {
  await sender.say({ text: `probe ${probes++}` });
  await new Promise(resolve => setTimeout(resolve, 100));
}
assert.ok(sawProbe, "a line of node B reached the client on node A");

for (let i = 0; i < 10; i++) await sender.say({ text: String(i) });
await eventually(() => lines.length === 10, "the first lines");
toB = true;
sockets.at(-1).terminate();
await eventually(() => states.includes("closed"), "the drop");
for (let i = 10; i < 100; i++) await sender.say({ text: String(i) });
await eventually(() => states.at(-1) === "recovered", "the recovered state");
await eventually(() => lines.length >= 100, "every line");
await new Promise(resolve => setTimeout(resolve, 300));
assert.deepEqual(lines, Array.from({ length: 100 }, (_, i) => String(i)), "every line once, in order");
assert.equal(origins, 0, "$origin frames never reach the app");
assert.ok(sockets.at(-1).url.startsWith(wsB), "the last socket is node B's");
assert.deepEqual(states.slice(-3), ["closed", "connecting", "recovered"]);
console.log("OK: recovered on the other node, every line once in order");
client.close();
sender.close();
process.exit(0);
