// A misuse without @ts-expect-error: the check must reject this file (a stream's item used as another type).
import { CallsConsumerClient } from "./client.js";

export async function misuse(client: CallsConsumerClient): Promise<void> {
  for await (const n of client.count({ n: 3 })) {
    const text: string = n;
    void text;
  }
}
