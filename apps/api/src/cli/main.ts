#!/usr/bin/env node
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ThreadbenchError } from "../errors.js";
import { type CliIo, CliUsageError } from "./command.js";
import { commands } from "./commands.js";

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "threadbench: measure whether parallel code really scales, and keep every run.",
    "",
    "Usage: threadbench <command> [flags]",
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `threadbench <command> --help` for the flags of a command, `threadbench --version` for the version.",
  ].join("\n");
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`threadbench ${cliVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(
      `threadbench: unknown command "${name}" (allowed: ${commands.map((c) => c.name).join(", ")})\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${command.help.trim()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(
        `threadbench ${name}: ${error.message}\n${error.usageHint ? `Run \`threadbench ${name} --help\` for usage.\n` : ""}`,
      );
      return 2;
    }
    if (error instanceof ThreadbenchError) {
      io.stderr.write(`threadbench ${name}: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(
      `threadbench ${name}: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** The CLI's version: apps/api/package.json, two levels above src/cli and dist/cli alike. */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/** True when run as a program (directly with node), false when imported. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
/**
 * Runs the CLI as the process's program: signals, broken pipes and the exit code. Called
 * when this file is run directly and by the committed launcher bin/threadbench.mjs.
 */
export async function runAsProgram(): Promise<void> {
  // `threadbench runs | head` closes the pipe early: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write("\nthreadbench: stopping (Ctrl-C again to force)\n");
    controller.abort(new Error("interrupted by the user (SIGINT)"));
  });
  let terminations = 0;
  process.on("SIGTERM", () => {
    // Like Ctrl-C: the first stops cleanly (an agent delivers its cancelled run), a second exits at once.
    terminations++;
    if (terminations > 1) process.exit(143);
    process.stderr.write("\nthreadbench: stopping on SIGTERM (a second one forces it)\n");
    controller.abort(new Error("terminated (SIGTERM)"));
  });
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  process.exitCode = code;
}

if (isEntryPoint()) await runAsProgram();
