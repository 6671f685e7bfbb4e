import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Workload modules written as a team would write them, for tests. The TypeScript and
 * the JavaScript module compute the same thing (a modular sum of a mixing function over
 * the unit range), so their checksums must agree with each other and across modes.
 */

/** The checksum both modules give for `n` units per task and `tasks` tasks (weak scaling). */
export function expectedMixChecksum(n: number, tasks: number): string {
  let total = 0;
  for (let i = 0; i < n; i++) total = (total + ((i * 2654435761) % 1000003)) % 1000000007;
  return String((total * tasks) % 1000000007);
}

const typeScriptModule = `import { defineWorkload, rangeTask, z } from "@threadbench/workloads";
import { mix, MODULUS } from "./lib/mix.js";

interface MixPartial {
  total: number;
}

const parameters = z.object({
  n: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(20_000)
    .meta({ description: "Values mixed per task", unit: "values" }),
});

export default defineWorkload({
  id: "mix-sum",
  title: "Mixed sum (TypeScript)",
  description: "A modular sum of a multiplicative hash: a team's own CPU loop.",
  parameters,
  unitName: "values",
  units: (params) => params.n,
  createTask(_params, range) {
    let total = 0;
    return rangeTask<MixPartial>(
      range,
      (from: number, to: number) => {
        for (let i = from; i < to; i++) total = (total + mix(i)) % MODULUS;
      },
      () => ({ total }),
    );
  },
  combine(_params, partials: MixPartial[]) {
    return { checksum: String(partials.reduce((sum, partial) => (sum + partial.total) % MODULUS, 0)) };
  },
});
`;

const typeScriptHelper = `export const MODULUS: number = 1000000007;

/** Knuth's multiplicative hash, folded into a small range. */
export function mix(value: number): number {
  return (value * 2654435761) % 1000003;
}
`;

const javaScriptModule = `import { defineWorkload, rangeTask, z } from "@threadbench/workloads";

const MODULUS = 1000000007;

export default defineWorkload({
  id: "mix-sum-js",
  title: "Mixed sum (JavaScript)",
  description: "The same modular sum as the TypeScript module, in plain JavaScript.",
  parameters: z.object({
    n: z.number().int().min(1).max(1_000_000).default(20_000).meta({ description: "Values mixed per task", unit: "values" }),
  }),
  unitName: "values",
  units: (params) => params.n,
  createTask(_params, range) {
    let total = 0;
    return rangeTask(
      range,
      (from, to) => {
        for (let i = from; i < to; i++) total = (total + ((i * 2654435761) % 1000003)) % MODULUS;
      },
      () => ({ total }),
    );
  },
  combine(_params, partials) {
    return { checksum: String(partials.reduce((sum, partial) => (sum + partial.total) % MODULUS, 0)) };
  },
});
`;

/** Writes `bench/mix-sum.ts` (+ `bench/lib/mix.ts`) and `bench/mix-sum.mjs` under `root`. */
export function writeMixModules(root: string): { typeScript: string; javaScript: string; helper: string } {
  mkdirSync(path.join(root, "bench", "lib"), { recursive: true });
  const typeScript = path.join(root, "bench", "mix-sum.ts");
  const helper = path.join(root, "bench", "lib", "mix.ts");
  const javaScript = path.join(root, "bench", "mix-sum.mjs");
  writeFileSync(typeScript, typeScriptModule);
  writeFileSync(helper, typeScriptHelper);
  writeFileSync(javaScript, javaScriptModule);
  return { typeScript, javaScript, helper };
}

/** Writes a file under `root` (directories created) and returns its absolute path. */
export function writeFixture(root: string, relative: string, content: string): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** apps/api, from src/test (and from dist/test). */
const apiDirectory = fileURLToPath(new URL("../../", import.meta.url));

/** The compiled CLI: what `npx threadbench` runs. */
export const cliEntry = path.join(apiDirectory, "dist", "cli", "main.js");

export interface ProcessOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `threadbench ARGS` as a user runs it: the compiled CLI in its own Node process.
 * Workload modules are loaded by Node's own loader there; in vitest's process, Vite
 * rewrites `import()` and would load a team's file its own way.
 */
export function runThreadbench(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ProcessOutcome> {
  return runNode([cliEntry, ...args], options);
}

/**
 * Runs an ES module body in a new Node process and returns the JSON it prints last.
 * The body may call `dist("runner/plan.js")` for the URL of a compiled API module.
 */
export async function runNodeScript<T>(body: string, options: { cwd: string }): Promise<T> {
  const distUrl = pathToFileURL(path.join(apiDirectory, "dist", path.sep)).href;
  const script = `const dist = (relative) => new URL(relative, ${JSON.stringify(distUrl)}).href;\n${body}`;
  const outcome = await runNode(["--input-type=module", "-e", script], options);
  const last = outcome.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`script exited ${outcome.code} without JSON:\n${outcome.stdout}\n${outcome.stderr}`);
  }
}
