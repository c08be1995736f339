// The Django Channels tutorial's room script ("Write your first consumer"), with the chat's sign-in: the page sends
// {"message": ...} on a plain socket and appends every {"message": ...} it receives to the log. The sign-in cookie
// authenticates the socket; a signed-out user is sent to sign in and back. Text goes into the textarea's value, never
// into HTML. Unlike the tutorial, a dropped socket is reopened (with backoff) and the state is shown.
"use strict";

const roomName = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "");
const log = document.querySelector("#chat-log");
const input = document.querySelector("#chat-message-input");
const submit = document.querySelector("#chat-message-submit");
const state = document.querySelector("#state");
document.querySelector("#room-name").textContent = roomName;
document.title = `${roomName} · Chat Room`;

let chatSocket = null;

function setState(name, text) {
  state.dataset.state = name;
  state.className = `state ${name}`;
  state.textContent = text;
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/chat/${encodeURIComponent(roomName)}`);
  socket.onopen = () => {
    chatSocket = socket;
    delay = 500;
    setState("connected", "connected");
  };
  socket.onmessage = event => {
    const data = JSON.parse(event.data);
    // {"error": ...} answers this page's own bad frames (the server keeps the socket open).
    log.value += (data.message !== undefined ? data.message : `error: ${data.error}`) + "\n";
    log.scrollTop = log.scrollHeight;
  };
  socket.onclose = () => {
    console.error("Chat socket closed unexpectedly");
    chatSocket = null;
    setState("disconnected", "reconnecting…");
    setTimeout(() => connect(Math.min(delay * 2, 8000)), delay);
  };
}

input.focus();
input.onkeyup = event => {
  if (event.key === "Enter") submit.click();
};
submit.onclick = () => {
  if (!chatSocket || !input.value) return;
  chatSocket.send(JSON.stringify({ message: input.value }));
  input.value = "";
};

if (!roomName) {
  location.href = "/";
} else {
  fetch("/account/me").then(reply => {
    if (reply.ok) connect(500);
    else location.href = `/signin.html?next=${encodeURIComponent(location.pathname)}`;
  });
}
