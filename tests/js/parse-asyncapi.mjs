// Parses an AsyncAPI document with @asyncapi/parser and exits non-zero on any diagnostic of severity error.
// Usage: node parse-asyncapi.mjs <url-or-file>
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const source = process.argv[2];
if (!source) {
  console.error("usage: node parse-asyncapi.mjs <url-or-file>");
  process.exit(2);
}

const text = /^https?:/.test(source) ? await (await fetch(source)).text() : await readFile(source, "utf8");
const { document, diagnostics } = await new Parser().parse(text);
const names = { [DiagnosticSeverity.Error]: "error", [DiagnosticSeverity.Warning]: "warning", [DiagnosticSeverity.Information]: "information", [DiagnosticSeverity.Hint]: "hint" };
for (const d of diagnostics) {
  console.log(`${names[d.severity] ?? d.severity} ${d.code} at ${JSON.stringify(d.path)}: ${d.message}`);
}
const errors = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error);
if (!document || errors.length > 0) {
  console.log(`FAILED: ${errors.length} error(s)${document ? "" : ", no document"}`);
  process.exit(1);
}
console.log(`OK: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages`);
