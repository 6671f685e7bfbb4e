#!/usr/bin/env node
// The `threadbench` bin. npm links a workspace's bins when `npm ci` runs, before anything is
// built: a bin pointing straight at dist/cli/main.js got no link in a fresh clone, and
// `npx threadbench` failed with "could not determine executable to run". This launcher is
// committed, so the link always exists; the first time it finds no build it makes one.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(cli)) {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  process.stderr.write(
    "threadbench: no build yet, building the CLI once (npx turbo run build --filter=@threadbench/api)\n",
  );
  const build = spawnSync(
    "npx",
    ["turbo", "run", "build", "--filter=@threadbench/api", "--output-logs=errors-only"],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { TURBO_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...process.env },
    },
  );
  if (build.status !== 0 || !existsSync(cli)) {
    process.stderr.write(
      "threadbench: the build failed (see above); run `npm run build` in the repository and retry\n",
    );
    process.exit(1);
  }
}
const { runAsProgram } = await import(cli.href);
await runAsProgram();
