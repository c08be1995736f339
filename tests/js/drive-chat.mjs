// Drives the chat sample through its generated client in Node (the ws package as WebSocket): create, join, send,
// receive, errors as ActionError, a multiplexed stream, the state event. Usage: node drive-chat.mjs <base-url>
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";
import { rejects } from "./rejects.mjs";
import { tokenFor } from "./chat-accounts.mjs";

const base = process.argv[2];
const folder = await downloadClient(base);
const { RoomConsumerClient, ActionError, ConnectionError } = await import(pathToFileURL(join(folder, "client.js")).href);
const ws = base.replace(/^http/, "ws");

async function eventually(condition, what) {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

const states = [];
const ann = await RoomConsumerClient.connect(`${ws}/ws/rooms?access_token=${await tokenFor(base, "ann")}`, { WebSocket, onState: state => states.push(state) });
const bob = await RoomConsumerClient.connect(`${ws}/ws/rooms?access_token=${await tokenFor(base, "bob")}`, { WebSocket });
assert.deepEqual(states, ["connecting", "open"]);
assert.equal(ann.state, "open");

// create: resolves with the reply's data (201).
const room = await ann.create({ data: { name: "node-room" } });
assert.equal(room.name, "node-room");
assert.ok(Number.isInteger(room.pk));

// join with a subscription: later frames carrying this request id go to onNotification.
const received = [];
const joined = await bob.joinRoom({ pk: room.pk }, { requestId: "bob-join", onNotification: (action, data) => received.push({ action, data }) });
assert.ok(joined.users.includes("bob"));

const sent = await ann.createMessage({ room: room.pk, message: "hello from node" });
assert.equal(sent.text, "hello from node");
await eventually(() => received.some(n => n.data.text === "hello from node"), "bob's notification");
assert.deepEqual(received.map(n => n.action), ["create"]);
assert.equal(received[0].data.user, "ann");

const history = await bob.listMessages({ room: room.pk });
assert.deepEqual(history.map(m => m.text), ["hello from node"]);

// Errors reject with ActionError: status, errors, action, requestId.
await rejects(ann.create({ data: { name: "node-room" } }, { requestId: 42 }), error => {
  assert.ok(error instanceof ActionError, String(error));
  assert.equal(error.status, 400);
  assert.equal(error.action, "create");
  assert.equal(error.requestId, 42);
  assert.deepEqual(error.errors, [{ name: ["A room with this name already exists."] }]);
});
await rejects(ann.joinRoom({ pk: 987654 }), error => {
  assert.ok(error instanceof ActionError);
  assert.equal(error.status, 404);
});
await rejects(ann.createMessage({ room: room.pk }), error => {
  assert.equal(error.status, 400);
  assert.deepEqual(Object.keys(error.errors[0]), ["message"]);
});
await rejects(bob.delete({ pk: room.pk }), error => assert.equal(error.status, 403));

// The multiplexed endpoint, stream "rooms".
const cy = await RoomConsumerClient.connect(`${ws}/ws?access_token=${await tokenFor(base, "cy")}`, { WebSocket, stream: "rooms" });
const found = await cy.findRoom({ name: "node-room" });
assert.equal(found.pk, room.pk);
cy.close();

// A refused handshake (no token: 401) rejects connect() with ConnectionError.
await rejects(RoomConsumerClient.connect(`${ws}/ws/rooms`, { WebSocket }), error => assert.ok(error instanceof ConnectionError, String(error)));

ann.close();
bob.close();
assert.deepEqual(states, ["connecting", "open", "closed"]);
await rejects(ann.list(), error => assert.ok(error instanceof ConnectionError));
console.log("OK: created, joined, sent, received, errors as ActionError");
