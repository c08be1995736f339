// Drives CallsConsumer (tests/Consumers.Tests) through its generated client in Node (the ws package as WebSocket):
// a stream's items then its end, a ChannelReader stream, a 500 mid-stream and a 429 past the stream cap as
// ActionError, leaving a stream's loop early and aborting one (both send $cancel), an AbortSignal on a concurrent call
// (AbortError, $cancel) and on an ordered one. The C# test that runs it checks on the server that the cancelled
// calls saw their token cancelled. Usage: node drive-calls.mjs <base-url>
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";
import { downloadClient } from "./client-files.mjs";
import { rejects } from "./rejects.mjs";

const base = process.argv[2];
const folder = await downloadClient(base);
const { CallsConsumerClient, ActionError, ConnectionError } = await import(pathToFileURL(join(folder, "client.js")).href);
const ws = base.replace(/^http/, "ws");

// Waits until the server saw the token of the call `name` cancelled, while this connection is open (a closed
// connection cancels every call, which would prove nothing about $cancel).
async function cancelledOnServer(name) {
  const deadline = Date.now() + 10000;
  while ((await client.cancellations({ name })) !== 1) {
    if (Date.now() > deadline) throw new Error(`the server did not see ${name} cancelled`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

async function collect(iterable, into = []) {
  for await (const item of iterable) into.push(item);
  return into;
}

const client = await CallsConsumerClient.connect(`${ws}/ws/calls`, { WebSocket });

// A stream: its items in order, then the end frame ends the loop.
assert.deepEqual(await collect(client.count({ n: 5 })), [0, 1, 2, 3, 4]);
assert.deepEqual(await collect(client.count({ n: 0 })), []);
assert.deepEqual(await collect(client.words({ text: "streams are here" })), ["streams", "are", "here"]);

// An exception mid-stream: the items before it, then ActionError 500.
const before = [];
await rejects(collect(client.count({ n: 5, fail_at: 2 }), before), error => {
  assert.ok(error instanceof ActionError, String(error));
  assert.equal(error.status, 500);
  assert.equal(error.action, "count");
});
assert.deepEqual(before, [0, 1]);

// Leaving the loop early sends $cancel (the server's token is cancelled: the C# test reads its log).
let seen = 0;
for await (const item of client.forever({ name: "js-break" }, { requestId: "js-break" })) {
  assert.equal(item, seen);
  if (++seen === 3) break;
}
await cancelledOnServer("js-break");

// An AbortSignal stops a stream: the pending next() rejects with the AbortError, and $cancel is sent.
const streamAbort = new AbortController();
const got = [];
await rejects((async () => {
  for await (const item of client.forever({ name: "js-abort-stream" }, { signal: streamAbort.signal })) {
    got.push(item);
    if (got.length === 2) streamAbort.abort();
  }
})(), error => assert.equal(error.name, "AbortError"));
assert.deepEqual(got, [0, 1]);
await cancelledOnServer("js-abort-stream");

// Past the stream cap (10 per connection) a stream is refused: 429 as its only frame. A connection of its own, so
// that the streams cancelled above, which end on the server in their own time, do not count.
const capped = await CallsConsumerClient.connect(`${ws}/ws/calls`, { WebSocket });
const running = Array.from({ length: 10 }, (_, i) => capped.forever({ name: `js-cap-${i}` })[Symbol.asyncIterator]());
for (const iterator of running) assert.equal((await iterator.next()).value, 0);
await rejects(collect(capped.count({ n: 1 })), error => {
  assert.ok(error instanceof ActionError, String(error));
  assert.equal(error.status, 429);
});
for (const iterator of running) await iterator.return();
capped.close();

// An AbortSignal on a concurrent call: rejects with AbortError and sends $cancel (the server's 499 is dropped).
const waitAbort = new AbortController();
const waiting = client.waitForCancel({ name: "js-wait" }, { signal: waitAbort.signal });
// The ordered call behind it is answered once the concurrent one has started.
assert.equal(await client.quick({ name: "js-after-wait" }), "js-after-wait");
waitAbort.abort();
await rejects(waiting, error => {
  assert.equal(error.name, "AbortError");
  assert.ok(!(error instanceof ActionError));
});
await cancelledOnServer("js-wait");

// A reason given to abort() is the rejection.
const reasoned = new AbortController();
const slow = client.slow({ name: "js-reason", ms: 2000 }, { signal: reasoned.signal });
reasoned.abort(new Error("not needed any more"));
await rejects(slow, error => assert.equal(error.message, "not needed any more"));

// An aborted signal rejects at once and sends nothing.
await rejects(client.slow({ name: "js-never", ms: 1 }, { signal: AbortSignal.abort() }), error => assert.equal(error.name, "AbortError"));
await rejects(collect(client.forever({ name: "js-never-stream" }, { signal: AbortSignal.abort() })), error => assert.equal(error.name, "AbortError"));

// An ordered action cannot be cancelled: the call rejects, the action runs on, its reply is dropped.
const orderedAbort = new AbortController();
const ordered = client.ordered({ name: "js-ordered", ms: 200 }, { signal: orderedAbort.signal });
orderedAbort.abort();
await rejects(ordered, error => assert.equal(error.name, "AbortError"));

// A stream cut off by the connection's end fails with ConnectionError (streams are not re-sent on reconnect).
const closing = await CallsConsumerClient.connect(`${ws}/ws/calls`, { WebSocket });
const cutOff = closing.forever({ name: "js-closed" })[Symbol.asyncIterator]();
assert.equal((await cutOff.next()).value, 0);
closing.close();
// Items received before the close come first; then the failure, then the iterator is done.
let cutOffError;
while (!cutOffError) {
  try {
    assert.equal((await cutOff.next()).done, false);
  } catch (error) {
    cutOffError = error;
  }
}
assert.ok(cutOffError instanceof ConnectionError, String(cutOffError));
assert.deepEqual(await cutOff.next(), { value: undefined, done: true });

// The connection is still good, and a call's reply is unchanged.
assert.equal(await client.quick({ name: "js-last" }), "js-last");
assert.equal(await client.slow({ name: "js-slow", ms: 10 }), "js-slow");
client.close();
console.log("OK: streams, cancels and aborts");
