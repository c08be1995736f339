// Good and bad usages of server pushes in a generated client (PushConsumer of tests/Consumers.Tests). Every line
// marked @ts-expect-error must fail to type-check; everything else must pass.
import { PushConsumerClient, type LineSaid, type RoomClosed } from "./client.js";

export async function good(client: PushConsumerClient): Promise<void> {
  const off: () => void = client.on("lineSaid", (line: LineSaid, frame: unknown) => {
    const text: string = line.text;
    void [text, frame];
  });
  client.on("roomClosed", change => {
    const room: number = change.room;
    void room;
  });
  client.on("frame", frame => void frame);
  client.on("state", state => void state);
  const handler = (closed: RoomClosed) => void closed;
  client.on("roomClosed", handler);
  client.off("roomClosed", handler);
  off();

  // ActionResult<LineSaid>: the promise resolves to a LineSaid, no null check needed.
  const last = await client.last({ empty: false });
  const user: string = last.user;
  void user;
}

export function bad(client: PushConsumerClient): void {
  // @ts-expect-error the handler of lineSaid takes a LineSaid, not a number
  client.on("lineSaid", (x: number) => void x);

  // @ts-expect-error roomClosed carries a RoomClosed, which has no "text"
  client.on("roomClosed", change => void change.text);

  // @ts-expect-error no event of that name
  client.on("lineSent", () => {});
}
