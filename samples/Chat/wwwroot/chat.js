// The chat room page, over the client the Consumers generator writes for RoomConsumer (/consumers/client.js). The
// client reconnects with backoff and re-sends the join and subscribe requests with the same request_ids (the server
// treats them as idempotent); the page inserts user text with textContent only, never as HTML.
"use strict";

const roomName = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");
const joinId = `join-${roomName}`;
const instanceId = `room-${roomName}`;

const elements = {
  state: document.getElementById("state"),
  messages: document.getElementById("messages"),
  users: document.getElementById("users"),
  form: document.getElementById("send"),
  input: document.getElementById("message"),
  button: document.getElementById("send-button"),
  error: document.getElementById("error"),
  search: document.getElementById("search"),
  searchText: document.getElementById("search-text"),
  searchState: document.getElementById("search-state"),
  results: document.getElementById("results"),
};
document.getElementById("room-name").textContent = roomName;
document.title = `${roomName} · Consumers chat`;

let client = null;
let entered = false;
let roomPk = null;
const shown = new Set();

function setState(state, text) {
  elements.state.dataset.state = state;
  elements.state.className = `state ${state}`;
  elements.state.textContent = text;
  const usable = state === "connected" && roomPk !== null;
  elements.input.disabled = !usable;
  elements.button.disabled = !usable;
  elements.searchText.disabled = !usable;
}

function showError(text) {
  elements.error.hidden = !text;
  elements.error.textContent = text || "";
}

// A message as a list item: who, what, and (in the room's list) when. User text goes in with textContent only.
function messageItem(message, withTime) {
  const item = document.createElement("li");
  item.dataset.pk = message.pk;
  const user = document.createElement("span");
  user.className = "user";
  user.textContent = message.user;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  item.append(user, text);
  if (withTime) {
    const time = document.createElement("time");
    time.className = "time";
    time.dateTime = message.created_at;
    time.textContent = new Date(message.created_at).toLocaleTimeString();
    item.append(time);
  }
  return item;
}

function addMessage(message) {
  if (shown.has(message.pk)) return;
  shown.add(message.pk);
  elements.messages.append(messageItem(message, true));
  elements.messages.scrollTop = elements.messages.scrollHeight;
}

function showUsers(users) {
  elements.users.replaceChildren(...(users || []).map(name => {
    const item = document.createElement("li");
    item.textContent = name;
    return item;
  }));
}

// Notifications of join_room: the room's new messages (the observer's MessageDto).
function onMessage(action, message) {
  if (action === "create") addMessage(message);
}

// Notifications of subscribe_instance: the room changed (who is here), or was deleted.
function onRoom(action, room) {
  if (action === "update") {
    showUsers(room.users);
  } else if (action === "delete") {
    roomPk = null;
    showError("This room was deleted.");
    setState("connected", "connected");
  }
}

// --- Presence pushes (the typed event "presence" RoomConsumer declares with [Pushes]) ------------------------------
// Who came into the room or left it: a line in the message list, and the "Here now" list kept up to date.
function onPresence(change) {
  if (change.room !== roomPk) return;
  const item = document.createElement("li");
  item.className = "presence";
  item.textContent = `${change.user} ${change.joined ? "joined" : "left"} the room`;
  elements.messages.append(item);
  elements.messages.scrollTop = elements.messages.scrollHeight;
  const names = [...elements.users.children].map(li => li.textContent).filter(name => name !== change.user);
  if (change.joined) names.push(change.user);
  showUsers(names.sort());
}
// --- end of presence pushes -------------------------------------------------------------------------------------

// search_messages streams the matches one by one: each is shown as it arrives. A new search aborts the one running,
// which sends $cancel for it (the server stops reading the database).
let searching = null;

async function search(text, ActionError) {
  searching?.abort();
  const controller = new AbortController();
  searching = controller;
  elements.results.replaceChildren();
  if (!text) {
    elements.searchState.textContent = "";
    return;
  }
  elements.searchState.textContent = "searching…";
  let found = 0;
  try {
    for await (const message of client.searchMessages({ room: roomPk, text }, { signal: controller.signal })) {
      elements.results.append(messageItem(message, false));
      found++;
    }
    elements.searchState.textContent = found === 1 ? "1 message" : `${found} messages`;
  } catch (error) {
    if (controller.signal.aborted) return;
    elements.searchState.textContent = error instanceof ActionError ? JSON.stringify(error.errors) : "Search failed: the connection is down.";
  }
}

async function loadHistory() {
  ((await client.listMessages({ room: roomPk, limit: 50 })) || []).forEach(addMessage);
}

// Rooms come in pages: look the room up by name (404 when there is none yet).
async function findRoom(ActionError) {
  try {
    return await client.findRoom({ name: roomName });
  } catch (error) {
    if (error instanceof ActionError && error.status === 404) return null;
    throw error;
  }
}

async function enterRoom(ActionError) {
  let room = await findRoom(ActionError);
  if (!room) {
    try {
      room = await client.create({ data: { name: roomName } });
    } catch (error) {
      // Someone else created it in the meantime, or the name is not allowed.
      if (!(error instanceof ActionError)) throw error;
      room = await findRoom(ActionError);
      if (!room) throw new Error(JSON.stringify(error.errors));
    }
  }
  roomPk = room.pk;
  // Both calls subscribe: the client re-sends them with these request ids after a reconnect.
  const joined = await client.joinRoom({ pk: roomPk }, { requestId: joinId, onNotification: onMessage });
  showUsers(joined.users);
  await client.subscribeInstance({ pk: roomPk }, { requestId: instanceId, onNotification: onRoom });
  await loadHistory();
}

async function enter(ActionError) {
  try {
    if (!entered) {
      await enterRoom(ActionError);
      entered = true;
    } else if (roomPk !== null) {
      // Reconnected: the subscriptions are back; catch up on who is here and what was said meanwhile.
      showUsers((await client.retrieve({ pk: roomPk })).users);
      await loadHistory();
    }
    showError("");
  } catch (error) {
    showError(`Could not enter the room: ${error.message}`);
  }
  setState("connected", "connected");
}

async function start() {
  const { RoomConsumerClient, ActionError } = await import("/consumers/client.js");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // The sign-in cookie authenticates the socket.
  const url = `${scheme}://${location.host}/ws/rooms`;
  const onState = state => {
    // The client's own state, for tests and curious readers: connecting, open, resumed, recovered, closed.
    elements.state.dataset.session = state;
    if (!client) return;
    // consumers.resume: "resumed" lost nothing (missed lines are replayed); "open" (a new session) catches up on what
    // was said meanwhile; "recovered" (another node took over: missed lines are replayed, shown once by pk) refetches
    // what is not replayed (replies to calls in flight, who is here).
    if (state === "open" || state === "recovered") enter(ActionError);
    else if (state === "resumed") setState("connected", "connected");
    else setState("disconnected", "reconnecting…");
  };

  elements.search.addEventListener("submit", event => {
    event.preventDefault();
    if (roomPk !== null && client) search(elements.searchText.value.trim(), ActionError);
  });

  elements.form.addEventListener("submit", async event => {
    event.preventDefault();
    const text = elements.input.value.trim();
    if (!text || roomPk === null || !client) return;
    elements.input.value = "";
    try {
      await client.createMessage({ room: roomPk, message: text });
    } catch (error) {
      if (error instanceof ActionError) {
        showError(JSON.stringify(error.errors));
      } else {
        showError("Not sent: the connection is down.");
        elements.input.value = text;
      }
    }
  });

  // The client reconnects by itself once open; until the first connection, retry here with the same backoff.
  for (let delay = 500; !client; delay = Math.min(delay * 2, 8000)) {
    try {
      client = await RoomConsumerClient.connect(url, { onState });
      client.on("presence", onPresence);
    } catch {
      setState("disconnected", "reconnecting…");
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }
  await enter(ActionError);
}

if (!roomName) {
  location.href = "/";
} else {
  setState("connecting", "connecting…");
  fetch("/account/me").then(reply => {
    if (reply.ok) start();
    else location.href = `/signin.html?next=${encodeURIComponent(location.pathname)}`;
  });
}
