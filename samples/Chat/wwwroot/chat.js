// The chat room page: a small DCRF-style client over one WebSocket. It reconnects with backoff and re-sends its
// join and subscribe requests with the same request_ids (the server treats them as idempotent), and it inserts user
// text with textContent only, never as HTML.
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
};
document.getElementById("room-name").textContent = roomName;
document.title = `${roomName} · Consumers chat`;

let socket = null;
let roomPk = null;
let nextRequest = 1;
let retryDelay = 500;
const pending = new Map();
const shown = new Set();

function setState(state, text) {
  elements.state.dataset.state = state;
  elements.state.className = `state ${state}`;
  elements.state.textContent = text;
  const usable = state === "connected" && roomPk !== null;
  elements.input.disabled = !usable;
  elements.button.disabled = !usable;
}

function showError(text) {
  elements.error.hidden = !text;
  elements.error.textContent = text || "";
}

function request(action, body = {}, requestId = `r${nextRequest++}`) {
  return new Promise((resolve, reject) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      reject(new Error("not connected"));
      return;
    }
    pending.set(requestId, { action, resolve });
    socket.send(JSON.stringify({ action, request_id: requestId, ...body }));
  });
}

function addMessage(message) {
  if (shown.has(message.pk)) return;
  shown.add(message.pk);
  const item = document.createElement("li");
  item.dataset.pk = message.pk;
  const user = document.createElement("span");
  user.className = "user";
  user.textContent = message.user;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  const time = document.createElement("time");
  time.className = "time";
  time.dateTime = message.created_at;
  time.textContent = new Date(message.created_at).toLocaleTimeString();
  item.append(user, text, time);
  elements.messages.append(item);
  elements.messages.scrollTop = elements.messages.scrollHeight;
}

function showUsers(users) {
  elements.users.replaceChildren(...(users || []).map(name => {
    const item = document.createElement("li");
    item.textContent = name;
    return item;
  }));
}

function onFrame(frame) {
  // Notifications carry the request_id of the subscription they belong to.
  if (frame.request_id === joinId && frame.action === "create") {
    addMessage(frame.data);
    return;
  }
  if (frame.request_id === instanceId && frame.action === "update") {
    showUsers(frame.data.users);
    return;
  }
  if (frame.request_id === instanceId && frame.action === "delete") {
    roomPk = null;
    showError("This room was deleted.");
    setState("connected", "connected");
    return;
  }
  const waiting = pending.get(frame.request_id);
  if (waiting && waiting.action === frame.action) {
    pending.delete(frame.request_id);
    waiting.resolve(frame);
  }
}

async function findRoom() {
  const found = await request("find_room", { name: roomName });
  return found.response_status === 200 ? found.data : null;
}

async function enterRoom() {
  let room = await findRoom();
  if (!room) {
    const created = await request("create", { data: { name: roomName } });
    if (created.response_status === 201) {
      room = created.data;
    } else {
      // Someone else created it in the meantime, or the name is not allowed.
      room = await findRoom();
      if (!room) throw new Error(JSON.stringify(created.errors));
    }
  }
  roomPk = room.pk;
  const joined = await request("join_room", { pk: roomPk }, joinId);
  if (joined.response_status !== 200) throw new Error(JSON.stringify(joined.errors));
  showUsers(joined.data.users);
  await request("subscribe_instance", { pk: roomPk }, instanceId);
  const history = await request("list_messages", { room: roomPk, limit: 50 });
  (history.data || []).forEach(addMessage);
}

function connect() {
  setState(socket ? "disconnected" : "connecting", socket ? "reconnecting…" : "connecting…");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // The sign-in cookie authenticates the socket.
  const ws = new WebSocket(`${scheme}://${location.host}/ws/rooms`);
  socket = ws;
  ws.onmessage = event => onFrame(JSON.parse(event.data));
  ws.onopen = async () => {
    retryDelay = 500;
    try {
      await enterRoom();
      showError("");
      setState("connected", "connected");
    } catch (error) {
      showError(`Could not enter the room: ${error.message}`);
      setState("connected", "connected");
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    pending.clear();
    setState("disconnected", "reconnecting…");
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 8000);
  };
}

elements.form.addEventListener("submit", async event => {
  event.preventDefault();
  const text = elements.input.value.trim();
  if (!text || roomPk === null) return;
  elements.input.value = "";
  try {
    const reply = await request("create_message", { room: roomPk, message: text });
    if (reply.response_status !== 201) showError(JSON.stringify(reply.errors));
  } catch (error) {
    showError("Not sent: the connection is down.");
    elements.input.value = text;
  }
});

if (!roomName) {
  location.href = "/";
} else {
  fetch("/account/me").then(reply => {
    if (reply.ok) connect();
    else location.href = `/signin.html?next=${encodeURIComponent(location.pathname)}`;
  });
}
