// A misuse without @ts-expect-error: the check must reject this file (it shows the check can fail).
import { RoomConsumerClient } from "./client.js";

export async function misuse(client: RoomConsumerClient): Promise<void> {
  await client.joinRoom({ pk: "not a number" });
}
