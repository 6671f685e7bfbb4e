// graphql-codegen re-exports an enum mapped to an external type (`enumValues` in
// codegen.json) as `export { RunStatus };`, which TypeScript's verbatimModuleSyntax
// rejects for a type (TS1205). Open upstream:
// https://github.com/dotansimha/graphql-code-generator/issues/7589
// Run as the codegen hook afterOneFileWrite: rewrites those lines to `export type { ... };`.
import { readFileSync, writeFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(/^export \{ (\w+) \};$/gm, "export type { $1 };");
  if (fixed !== text) writeFileSync(file, fixed);
}
