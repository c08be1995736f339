// A misuse without @ts-expect-error: the check must reject this file (a wrong handler type is a compile error).
import { PushConsumerClient } from "./client.js";

export function misuse(client: PushConsumerClient): void {
  client.on("lineSaid", (x: number) => void x);
}
