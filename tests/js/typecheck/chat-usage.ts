// Good and bad usages of the chat's generated client. Every line marked @ts-expect-error must fail to type-check;
// everything else must pass.
import { ActionError, RoomConsumerClient, type MessageDto, type PresenceChange, type RoomDto } from "./client.js";

export async function good(): Promise<void> {
  const client = await RoomConsumerClient.connect("ws://localhost/ws/rooms?access_token=token", { retryDelay: 100 });
  const off = client.on("state", state => {
    const known: "connecting" | "open" | "resumed" | "recovered" | "closed" = state;
    void known;
  });
  // An ActionResult<RoomDto> action resolves to a RoomDto: no null check before room.pk.
  const room: RoomDto = await client.create({ data: { name: "lobby" } });
  const joined = await client.joinRoom({ pk: room.pk }, {
    requestId: "join-lobby",
    onNotification: (action, message: MessageDto) => console.log(action, message.text, message.created_at),
  });
  const users: string[] | null = joined.users;
  // Presence pushes, typed: who came or left.
  const offPresence = client.on("presence", (change: PresenceChange) => console.log(change.user, change.joined, change.room));
  offPresence();
  const sent: MessageDto | null = await client.createMessage({ room: 1, message: "hi" });
  const history: MessageDto[] | null = await client.listMessages({ room: 1 });
  await client.listMessages({ room: 1, limit: 20 });
  await client.list();
  try {
    await client.delete({ pk: 1 });
  } catch (error) {
    if (error instanceof ActionError) {
      const status: number = error.status;
      void status;
    }
  }
  void [users, sent, history];
  off();
  client.close();
}

export async function bad(client: RoomConsumerClient): Promise<void> {
  // @ts-expect-error wrong parameter type: pk is a number
  await client.joinRoom({ pk: "3" });

  // @ts-expect-error missing required key: message
  await client.createMessage({ room: 1 });

  // @ts-expect-error unknown action
  await client.kickUser({ pk: 1 });

  // @ts-expect-error unknown request key
  await client.joinRoom({ pk: 1, room: 2 });

  // @ts-expect-error the params object is required when a key is
  await client.joinRoom();

  const sent = await client.createMessage({ room: 1, message: "hi" });
  // @ts-expect-error the result is a MessageDto, which has no "name"
  void sent?.name;

  await client.joinRoom({ pk: 1 }, {
    // @ts-expect-error notifications of join_room carry a MessageDto, not a number
    onNotification: (_action, data: number) => void data,
  });

  // @ts-expect-error no event "message": the client has "state", "frame" and the pushed "presence"
  client.on("message", () => {});

  // @ts-expect-error presence carries a PresenceChange, not a number
  client.on("presence", (x: number) => void x);

  // @ts-expect-error create needs the name the server requires (a non-nullable constructor parameter)
  await client.create({ data: {} });

  const created = await client.create({ data: { name: "x" } });
  // @ts-expect-error users may be null: a RoomDto's users is List<string>?
  void created.users.length;
}
