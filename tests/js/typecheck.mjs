// Type-checks a TypeScript file against the generated client's declarations (client.d.ts) with the typescript
// package, strict. An unused "// @ts-expect-error" is an error too, so a file of bad usages each marked with it
// passes only while every one of them is rejected. Usage: node typecheck.mjs <base-url> <file.ts>
import { copyFile } from "node:fs/promises";
import { basename, join } from "node:path";
import ts from "typescript";
import { downloadClient } from "./client-files.mjs";

const [base, file] = process.argv.slice(2);
const folder = await downloadClient(base);
const target = join(folder, basename(file));
await copyFile(file, target);

const program = ts.createProgram([target], {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
});
const diagnostics = ts.getPreEmitDiagnostics(program);
for (const d of diagnostics) {
  const where = d.file ? `${basename(d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start).line + 1})` : "";
  console.log(`${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
if (diagnostics.length > 0) {
  console.log(`FAILED: ${diagnostics.length} diagnostic(s)`);
  process.exit(1);
}
console.log(`OK: ${basename(file)} type-checks against client.d.ts`);
