// The generated client across a server restart: it reports closed/connecting/open, re-sends the join_room that
// subscribed with the same request id, and keeps receiving that subscription's notifications.
// Usage: node reconnect-chat.mjs <base-url>; writes SUBSCRIBED, then waits for the test to restart the server.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";
import { tokenFor } from "./chat-accounts.mjs";

const base = process.argv[2];
const folder = await downloadClient(base);
const { RoomConsumerClient } = await import(pathToFileURL(join(folder, "client.js")).href);
const ws = base.replace(/^http/, "ws");

async function eventually(condition, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

const states = [];
const ann = await RoomConsumerClient.connect(`${ws}/ws/rooms?access_token=${await tokenFor(base, "ann")}`, { WebSocket, retryDelay: 100, maxRetryDelay: 500, onState: s => states.push(s) });
const room = await ann.create({ data: { name: "reconnect-room" } });
const received = [];
await ann.joinRoom({ pk: room.pk }, { requestId: "ann-join", onNotification: (action, message) => received.push(message.text) });
console.log("SUBSCRIBED");

await eventually(() => states.includes("closed"), "the closed state");
await eventually(() => states.at(-1) === "open", "the reconnection", 60000);
assert.deepEqual(states.slice(0, 4), ["connecting", "open", "closed", "connecting"]);

// Messages of a connection are handled in order: once this reply is in, the re-sent join_room was handled.
await ann.list();
const bob = await RoomConsumerClient.connect(`${ws}/ws/rooms?access_token=${await tokenFor(base, "bob")}`, { WebSocket });
await bob.createMessage({ room: room.pk, message: "after the restart" });
await eventually(() => received.includes("after the restart"), "the notification after the restart");
ann.close();
bob.close();
console.log("OK: reconnected, re-subscribed with the same request id, received");
