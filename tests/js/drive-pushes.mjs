// Drives PushConsumer (tests/Consumers.Tests) through its generated client in Node (the ws package as WebSocket):
// a group send of an event type reaches on("lineSaid") with its data, the returned function unsubscribes, a plain
// group message and an event nobody handles reach on("frame"), an unknown event name throws, and an ActionResult<T>
// action's 2xx without data rejects. Usage: node drive-pushes.mjs <base-url>
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";
import { rejects } from "./rejects.mjs";

const base = process.argv[2];
const folder = await downloadClient(base);
const { PushConsumerClient, ActionError } = await import(pathToFileURL(join(folder, "client.js")).href);
const ws = base.replace(/^http/, "ws");

async function eventually(condition, what) {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

const room = `node-${process.pid}`;
const ann = await PushConsumerClient.connect(`${ws}/ws/push/${room}`, { WebSocket });
const bob = await PushConsumerClient.connect(`${ws}/ws/push/${room}`, { WebSocket });

// A group send of an event type: bob's typed handler gets the data and the whole envelope.
const lines = [];
const frames = [];
const off = bob.on("lineSaid", (line, frame) => lines.push({ line, frame }));
bob.on("frame", frame => frames.push(frame));
await ann.say({ text: "hello" });
await eventually(() => lines.length === 1, "bob's lineSaid");
assert.equal(lines[0].line.text, "hello");
assert.equal(lines[0].frame.action, "line_said");
assert.equal(lines[0].frame.request_id, null);

// A plain group message is no event: the catch-all gets it as it is.
await ann.note({ text: "plain" });
await eventually(() => frames.length === 1, "bob's frame");
assert.deepEqual(frames[0], { text: "plain" });

// Unsubscribed: the next line has no handler and goes to the catch-all instead.
off();
await ann.say({ text: "after off" });
await eventually(() => frames.length === 2, "the unclaimed line");
assert.equal(frames[1].action, "line_said");
assert.equal(frames[1].data.text, "after off");
assert.equal(lines.length, 1);

// The other event, named after its type.
const closed = [];
bob.on("roomClosed", change => closed.push(change.room));
await ann.closeRoom({ room: 7 });
await eventually(() => closed.length === 1, "roomClosed");
assert.deepEqual(closed, [7]);

// A handler that throws does not stop the others or the connection (its error is reported as uncaught).
const uncaught = [];
process.on("uncaughtException", error => uncaught.push(error.message));
bob.on("lineSaid", () => { throw new Error("handler failure"); });
const after = [];
bob.on("lineSaid", line => after.push(line.text));
await ann.say({ text: "still here" });
await eventually(() => after.length === 1 && uncaught.length === 1, "the second handler and the reported error");
assert.deepEqual(uncaught, ["handler failure"]);

// An unknown event name is a TypeError that lists the known ones.
assert.throws(() => bob.on("lineSent", () => {}), error => error instanceof TypeError && error.message.includes('"lineSaid"'));

// ActionResult<LineSaid>: a 2xx without data rejects, so that the promise never resolves to null.
assert.equal((await bob.last({ empty: false })).text, "last");
await rejects(bob.last({ empty: true }), error => {
  assert.ok(error instanceof ActionError, String(error));
  assert.equal(error.status, 204);
  assert.deepEqual(error.errors, ["The reply has no data."]);
});

ann.close();
bob.close();
console.log("OK: pushes to typed handlers, unsubscribe, catch-all, data-less 2xx rejected");
