// Downloads the generated client (client.js, client.d.ts) served by a Consumers app into a new temporary folder.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function downloadClient(baseUrl) {
  const folder = await mkdtemp(join(tmpdir(), "consumers-client-"));
  for (const name of ["client.js", "client.d.ts"]) {
    const response = await fetch(`${baseUrl}/consumers/${name}`);
    if (!response.ok) throw new Error(`GET /consumers/${name} answered ${response.status}`);
    await writeFile(join(folder, name), await response.text());
  }
  return folder;
}
