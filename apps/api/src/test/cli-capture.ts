import { PassThrough } from "node:stream";
import type { CliIo } from "../cli/command.js";
import { main } from "../cli/main.js";

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `threadbench ...argv` in this process with the given environment and captures its output. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): Promise<CliOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const io: CliIo = {
    stdout,
    stderr,
    env,
    cwd: options.cwd ?? process.cwd(),
    signal: new AbortController().signal,
  };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}
