// The sign-up and sign-in pages: posts the name and password as JSON to the form's endpoint, which answers with a
// sign-in cookie, then goes back to the page that sent the user here (?next=, same site only) or to the front page.
"use strict";

const form = document.getElementById("account");
const error = document.getElementById("error");
const next = new URLSearchParams(location.search).get("next");
const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
document.getElementById("other").search = location.search;

form.addEventListener("submit", async event => {
  event.preventDefault();
  error.hidden = true;
  const body = {
    username: document.getElementById("username").value,
    password: document.getElementById("password").value,
  };
  const reply = await fetch(form.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (reply.ok) {
    location.href = target;
    return;
  }
  const problem = await reply.json().catch(() => ({ errors: [`Error ${reply.status}`] }));
  error.textContent = (problem.errors || []).join(" ");
  error.hidden = false;
});
