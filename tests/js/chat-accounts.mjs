// Signs a scripted user up with the chat (POST /api/register, or POST /api/token when the name is taken) and returns
// the access token the chat's sockets take as ?access_token=.
export async function tokenFor(baseUrl, username) {
  const body = JSON.stringify({ username, password: "node-client-password" });
  const headers = { "content-type": "application/json" };
  let response = await fetch(`${baseUrl}/api/register`, { method: "POST", headers, body });
  if (!response.ok) response = await fetch(`${baseUrl}/api/token`, { method: "POST", headers, body });
  if (!response.ok) throw new Error(`no token for ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}
