// Resumable connections through the generated client in Node (the ws package as WebSocket), against RoomConsumer of
// tests/Consumers.Tests: the socket is cut abruptly (terminate: no close frame) while group messages flow; the client
// comes back on its own, the state goes "resumed", every message arrives once and in order, a call made while
// disconnected is sent on the resumed socket, the channel is the same. Then the bound of calls made while disconnected,
// and resume: false (a new session after a drop). Usage: node drive-resume.mjs <base-url>
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";
import { rejects } from "./rejects.mjs";

const base = process.argv[2];
const folder = await downloadClient(base);
const { RoomConsumerClient, ConnectionError } = await import(pathToFileURL(join(folder, "client.js")).href);
const ws = base.replace(/^http/, "ws");

async function eventually(condition, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

// A WebSocket whose instances the script can cut, and whose chat lines it records (every socket of one client).
function tracked() {
  const sockets = [];
  const lines = [];
  class Tracked extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      this.addEventListener("message", event => {
        const frame = JSON.parse(event.data.toString());
        for (const f of Array.isArray(frame) ? frame : [frame]) if (f.type === "chat") lines.push(f.text);
      });
    }
  }
  return { Tracked, sockets, lines };
}

const a = tracked();
const states = [];
const client = await RoomConsumerClient.connect(`${ws}/ws/rooms/js`, { WebSocket: a.Tracked, retryDelay: 50, onState: s => states.push(s) });
assert.equal(a.sockets[0].protocol, "consumers.resume");
const channel = await client.channel();
const sender = await RoomConsumerClient.connect(`${ws}/ws/rooms/js`, { WebSocket, resume: false });

for (let i = 0; i < 10; i++) await sender.say({ text: String(i) });
await eventually(() => a.lines.length === 10, "the first lines");
a.sockets[0].terminate();
await eventually(() => states.includes("closed"), "the drop");
const whileDown = client.groups();
for (let i = 10; i < 100; i++) await sender.say({ text: String(i) });
await eventually(() => states.at(-1) === "resumed", "the resumed state");
assert.equal(await whileDown, "lobby,room:js");
await eventually(() => a.lines.length >= 100, "every line");
await new Promise(resolve => setTimeout(resolve, 200));
assert.deepEqual(a.lines, Array.from({ length: 100 }, (_, i) => String(i)), "every line once, in order");
assert.equal(await client.channel(), channel, "the same consumer");
assert.deepEqual(states.slice(0, 5), ["connecting", "open", "closed", "connecting", "resumed"]);

// Calls made while disconnected wait, at most maxBufferedCalls; one more is refused with a clear error.
const b = tracked();
const bounded = await RoomConsumerClient.connect(`${ws}/ws/rooms/js2`, { WebSocket: b.Tracked, retryDelay: 300, maxBufferedCalls: 1 });
b.sockets[0].terminate();
await eventually(() => bounded.state === "closed" || bounded.state === "connecting", "the second drop");
const kept = bounded.channel();
await rejects(bounded.channel(), error => {
  assert.ok(error instanceof ConnectionError);
  assert.match(error.message, /1 calls already wait for the connection \(options\.maxBufferedCalls\)/);
});
assert.match(await kept, /\./);

// resume: false: no subprotocol offered; after a drop the client gets a new consumer.
const c = tracked();
const plain = await RoomConsumerClient.connect(`${ws}/ws/rooms/js3`, { WebSocket: c.Tracked, retryDelay: 50, resume: false });
assert.equal(c.sockets[0].protocol, "");
const before = await plain.channel();
c.sockets[0].terminate();
await eventually(() => c.sockets.length === 2 && plain.state === "open", "the plain reconnection");
assert.notEqual(await plain.channel(), before);

// A first socket that drops before its $resume frame: connect() rejects, as when the handshake fails; it does not hang.
// (The frame may arrive in the same read as the handshake's answer: the client is never handed it.)
class DropsAtOnce extends WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("open", () => this.terminate());
  }

  set onmessage(_) {}

  get onmessage() {
    return null;
  }
}
let timer;
const settles = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("connect() did not settle in 5 s")), 5000); });
await rejects(Promise.race([RoomConsumerClient.connect(`${ws}/ws/rooms/js4`, { WebSocket: DropsAtOnce, retryDelay: 50 }), settles]), error => {
  assert.ok(error instanceof ConnectionError, String(error));
});
clearTimeout(timer);

client.close();
sender.close();
bounded.close();
plain.close();
console.log("OK: resumed, every line once in order, calls buffered and bounded, resume: false opts out, a first drop before $resume rejects");
