// Good and bad usages of streaming and concurrent actions in a generated client (CallsConsumer of tests/Consumers.Tests).
// Every line marked @ts-expect-error must fail to type-check; everything else must pass.
import { ActionError, CallsConsumerClient } from "./client.js";

export async function good(client: CallsConsumerClient): Promise<void> {
  const controller = new AbortController();
  for await (const n of client.count({ n: 3 })) {
    const doubled: number = n * 2;
    void doubled;
  }
  for await (const word of client.words({ text: "a b" }, { requestId: "w1", signal: controller.signal })) {
    const upper: string = word.toUpperCase();
    void upper;
  }
  const items: AsyncIterable<number> = client.forever({ name: "x" });
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (!first.done) {
    const item: number = first.value;
    void item;
  }
  await iterator.return?.();
  const name: string = await client.slow({ name: "a", ms: 1 }, { signal: AbortSignal.timeout(1000) });
  const cancelled: string = await client.waitForCancel({ name: "b" }, { signal: controller.signal, requestId: 7 });
  controller.abort();
  try {
    await client.count({ n: 1, fail_at: 0 })[Symbol.asyncIterator]().next();
  } catch (error) {
    if (error instanceof ActionError) {
      const status: number = error.status;
      void status;
    }
  }
  void [name, cancelled];
}

export async function bad(client: CallsConsumerClient): Promise<void> {
  // @ts-expect-error an item of count is a number, not a string
  for await (const n of client.count({ n: 3 })) { const text: string = n; void text; }
  // @ts-expect-error a stream is not a promise of its items
  const all: number[] = await client.count({ n: 3 });
  // @ts-expect-error a stream takes no onNotification
  client.count({ n: 3 }, { onNotification: () => {} });
  // @ts-expect-error the signal is an AbortSignal
  await client.slow({ name: "a", ms: 1 }, { signal: "now" });
  // @ts-expect-error count needs n
  client.count({});
  void all;
}
