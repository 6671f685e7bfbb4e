#!/usr/bin/env node
// The `threadbench` bin. npm links a workspace's bins when `npm ci` runs, before anything is
// built: a bin pointing straight at dist/cli/main.js got no link in a fresh clone, and
// `npx threadbench` failed with "could not determine executable to run". This launcher is
// committed, so the link always exists; the first time it finds no build it makes one.
// A build that stopped half-way (an interrupted or failed first `npm run build`) can leave
// main.js without the files it imports: that also triggers one build, then a retry.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/cli/main.js", import.meta.url);

function build(reason) {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  process.stderr.write(
    `threadbench: ${reason}, building the CLI (npx turbo run build --filter=@threadbench/api)\n`,
  );
  const result = spawnSync(
    "npx",
    ["turbo", "run", "build", "--filter=@threadbench/api", "--output-logs=errors-only"],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { TURBO_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", ...process.env },
    },
  );
  if (result.status !== 0 || !existsSync(cli)) {
    process.stderr.write(
      "threadbench: the build failed (see above); run `npm run build` in the repository and retry\n",
    );
    process.exit(1);
  }
}

if (!existsSync(cli)) build("no build yet");
let program;
try {
  program = await import(cli.href);
} catch (error) {
  // Only a missing compiled file means an incomplete build; any other error is the CLI's.
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  build(`the build is incomplete (${error.message.split("\n")[0]})`);
  // This process cached the failed resolution: run the rebuilt CLI in a fresh one.
  const rerun = spawnSync(process.execPath, [fileURLToPath(cli), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(rerun.status ?? 1);
}
await program.runAsProgram();
