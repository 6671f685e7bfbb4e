import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AnyWorkload, findWorkload, workloadIds, z } from "@threadbench/workloads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserInputError } from "../errors.js";
import {
  expectedMixChecksum,
  runNodeScript,
  runThreadbench,
  writeFixture,
  writeMixModules,
} from "../test/module-fixtures.js";
import { parseRunPlan } from "./plan.js";
import { hashWorkloadModule } from "./workload-hash.js";
import { asModuleWorkload, moduleWorkloadId } from "./workload-module.js";

// Real files in a temp directory outside the checkout (no package.json, no node_modules:
// @threadbench/workloads and zod come from threadbench itself). Modules are loaded in
// real Node processes through the compiled CLI and runner (build the API first): in
// vitest's own process, Vite rewrites `import()` and would load the files its own way.
const root = mkdtempSync(path.join(tmpdir(), "threadbench-modules-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modules = writeMixModules(root);

interface JsonCell {
  mode: string;
  threads: number;
  status: string;
  error: string | null;
  checksum: string | null;
  checksumStatus: string;
}
interface JsonRun {
  status: string;
  error: string | null;
  project: string;
  plan: { workloadId: string; workloadModule?: { relativePath: string; hash: string } };
  cells: JsonCell[];
}

async function runJson(args: string[]): Promise<JsonRun> {
  const outcome = await runThreadbench(["run", ...args, "--no-store", "--json", "--no-progress"], {
    cwd: root,
  });
  if (outcome.code === 2) throw new Error(`threadbench run ${args.join(" ")}: ${outcome.stderr}`);
  return JSON.parse(outcome.stdout) as JsonRun;
}

describe("workload modules in every mode (real processes, real piscina pool, real child processes)", () => {
  it.each([
    [
      "a TypeScript module with a local import (run as CommonJS by tsx: no package.json)",
      "./bench/mix-sum.ts",
    ],
    ["a JavaScript .mjs module", "./bench/mix-sum.mjs"],
  ])("runs %s in all four modes with one checksum", async (_title, reference) => {
    const run = await runJson([
      "--workload",
      reference,
      "--param",
      "n=20000",
      "--threads",
      "1,2",
      "--repetitions",
      "2",
    ]);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.plan.workloadId).toBe("module:bench/mix-sum");
    expect(run.project).toBe("default");
    expect(run.cells.map((cell) => `${cell.mode}x${cell.threads}:${cell.status}`)).toEqual([
      "sequentialx1:succeeded",
      "event-loopx1:succeeded",
      "worker-threadsx1:succeeded",
      "child-processesx1:succeeded",
      "sequentialx2:succeeded",
      "event-loopx2:succeeded",
      "worker-threadsx2:succeeded",
      "child-processesx2:succeeded",
    ]);
    for (const cell of run.cells) {
      // The TypeScript and the JavaScript module agree with each other and with the formula.
      expect(cell.checksum).toBe(expectedMixChecksum(20_000, cell.threads));
      expect(cell.checksumStatus).toBe(cell.mode === "sequential" ? "baseline" : "match");
    }
  });

  it("a module that fails only inside a pool member fails those cells, naming the file", async () => {
    const file = writeFixture(
      root,
      "bench/main-only.mjs",
      readFileSync(modules.javaScript, "utf8").replace(
        "const MODULUS = 1000000007;",
        'import { isMainThread } from "node:worker_threads";\nif (!isMainThread || process.send) throw new Error("needs the main thread");\nconst MODULUS = 1000000007;',
      ),
    );
    const run = await runJson([
      "--workload",
      "./bench/main-only.mjs",
      "--param",
      "n=100",
      "--threads",
      "1",
      "--repetitions",
      "1",
      "--warmups",
      "0",
    ]);
    expect(run.status).toBe("failed");
    const byMode = Object.fromEntries(run.cells.map((cell) => [cell.mode, cell]));
    expect(byMode.sequential?.status).toBe("succeeded");
    for (const mode of ["worker-threads", "child-processes"]) {
      expect(byMode[mode]?.status).toBe("failed");
      expect(byMode[mode]?.error).toContain(`${file}: threw while loading: Error: needs the main thread`);
    }
  });
});

describe("a task that leaves a promise rejected with no handler", () => {
  it("fails its main-thread cells with the rejection, and a child-process cell with the child's death, not EPIPE; the CLI itself finishes", async () => {
    writeFixture(
      root,
      "bench/floating.mjs",
      readFileSync(modules.javaScript, "utf8")
        .replace(
          "const MODULUS = 1000000007;",
          'const MODULUS = 1000000007;\nconst floating = () => Promise.reject(new Error("floating boom"));',
        )
        .replace(/createTask\(([^)]*)\) \{/, "createTask($1) {\n    floating();"),
    );
    const run = await runJson([
      "--workload",
      "./bench/floating.mjs",
      "--param",
      "n=100",
      "--threads",
      "2",
      "--modes",
      "sequential,event-loop,child-processes",
      "--repetitions",
      "2",
      "--warmups",
      "0",
    ]);
    expect(run.status).toBe("failed");
    const byMode = Object.fromEntries(run.cells.map((cell) => [cell.mode, cell]));
    for (const mode of ["sequential", "event-loop"]) {
      expect(byMode[mode]?.status).toBe("failed");
      expect(byMode[mode]?.error).toBe(
        "a task left a promise rejected with no handler (a floating async call in the workload): floating boom",
      );
    }
    expect(byMode["child-processes"]?.status).toBe("failed");
    expect(byMode["child-processes"]?.error).toMatch(/^child process \d+ exited \(code 1\).*floating boom/);
  });
});

describe("module identity", () => {
  it("never equals a built-in id, whatever the file is called", () => {
    for (const builtIn of workloadIds) {
      const id = moduleWorkloadId(root, path.join(root, `${builtIn}.ts`));
      expect(id).toBe(`module:${builtIn}`);
      expect(workloadIds).not.toContain(id);
    }
    expect(moduleWorkloadId(root, path.join(root, "bench", "img", "resize.mts"))).toBe(
      "module:bench/img/resize",
    );
  });

  it("a module whose own id is a built-in's runs as itself, not as the built-in", async () => {
    writeFixture(
      root,
      "sum-squares.mjs",
      readFileSync(modules.javaScript, "utf8").replace('id: "mix-sum-js"', 'id: "sum-squares"'),
    );
    const run = await runJson([
      "--workload",
      "./sum-squares.mjs",
      "--param",
      "n=1000",
      "--modes",
      "worker-threads",
      "--threads",
      "1",
      "--repetitions",
      "1",
      "--warmups",
      "0",
    ]);
    expect(run.plan.workloadId).toBe("module:sum-squares");
    // The module's computation in every mode, not sum-squares' (332833500).
    expect(run.cells.map((cell) => cell.checksum)).toEqual([
      expectedMixChecksum(1000, 1),
      expectedMixChecksum(1000, 1),
    ]);
  });

  it("hashes the module with its local imports: a change to either changes the hash, another file does not", async () => {
    const before = await hashWorkloadModule(modules.typeScript, root);
    expect(before.files).toEqual(["bench/lib/mix.ts", "bench/mix-sum.ts"]);
    expect(before.hash).toMatch(/^[0-9a-f]{64}$/);

    writeFixture(root, "bench/unrelated.ts", "export const unrelated = 1;\n");
    expect((await hashWorkloadModule(modules.typeScript, root)).hash).toBe(before.hash);

    writeFileSync(modules.helper, `${readFileSync(modules.helper, "utf8")}// tuned\n`);
    const helperChanged = await hashWorkloadModule(modules.typeScript, root);
    expect(helperChanged.hash).not.toBe(before.hash);

    writeFileSync(modules.typeScript, `${readFileSync(modules.typeScript, "utf8")}// tuned\n`);
    expect((await hashWorkloadModule(modules.typeScript, root)).hash).not.toBe(helperChanged.hash);
  });

  it("is what sha256sum gives over the sorted file list", async () => {
    const sha = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");
    const listing = ["bench/lib/mix.ts", "bench/mix-sum.ts"]
      .map((file) => `${sha(readFileSync(path.join(root, file)))}  ${file}\n`)
      .join("");
    expect((await hashWorkloadModule(modules.typeScript, root)).hash).toBe(sha(listing));
  });

  it("the hash a run records is the module's hash", async () => {
    const run = await runJson([
      "--workload",
      "./bench/mix-sum.ts",
      "--param",
      "n=100",
      "--modes",
      "sequential",
      "--threads",
      "1",
      "--repetitions",
      "1",
      "--warmups",
      "0",
    ]);
    expect(run.plan.workloadModule).toEqual({
      relativePath: "bench/mix-sum.ts",
      hash: (await hashWorkloadModule(modules.typeScript, root)).hash,
      file: modules.typeScript,
    });
  });
});

describe("bad workload modules", () => {
  const cases: Record<string, string> = {
    missing: "./bench/missing.ts",
    notCode: "./bench/notes.txt",
    noDefault: "./bench/named.mjs",
    noDefaultTypeScript: "./bench/named.ts",
    notAWorkload: "./bench/half.mjs",
    aFunction: "./bench/function.mjs",
    plainParameters: "./bench/plain-params.mjs",
    throws: "./bench/throws.mts",
    throwsCommonJs: "./bench/throws.ts",
    syntax: "./bench/broken.mjs",
  };
  let messages: Record<string, { message: string; cause: string | null } | null> = {};

  beforeAll(async () => {
    writeFixture(root, "bench/notes.txt", "not code");
    writeFixture(root, "bench/named.mjs", "export const workload = {};\nexport function helper() {}\n");
    writeFixture(root, "bench/named.ts", "export const value: number = 1;\n");
    writeFixture(
      root,
      "bench/half.mjs",
      'import { z } from "@threadbench/workloads";\nexport default { id: "half", title: 3, description: "d", parameters: z.object({}), unitName: "rows", units: () => 1 };\n',
    );
    writeFixture(root, "bench/function.mjs", "export default function workload() {}\n");
    writeFixture(
      root,
      "bench/plain-params.mjs",
      readFileSync(modules.javaScript, "utf8").replace(
        /parameters: z\.object\(\{[\s\S]*?\}\),\n {2}unitName/,
        "parameters: { n: 5 },\n  unitName",
      ),
    );
    const throwing = 'const size: number = 3;\n\nthrow new RangeError("no GPU for size " + size);\n';
    writeFixture(root, "bench/throws.mts", throwing);
    writeFixture(root, "bench/throws.ts", throwing);
    writeFixture(root, "bench/broken.mjs", "export default {\n");
    // One process loads every case, as `threadbench run` would.
    messages = await runNodeScript(
      `const { loadWorkloadModule } = await import(dist("runner/workload-module.js"));
       const cases = ${JSON.stringify(cases)};
       const out = {};
       for (const [name, reference] of Object.entries(cases)) {
         try {
           await loadWorkloadModule({ reference, cwd: process.cwd(), root: process.cwd() });
           out[name] = null;
         } catch (error) {
           out[name] = { message: error.message, cause: error.cause?.name ?? null };
         }
       }
       console.log(JSON.stringify(out));`,
      { cwd: root },
    );
  });

  it("not found: names the file and where it looked", () => {
    expect(messages.missing?.message).toBe(
      `./bench/missing.ts: not found (looked for ${path.join(root, "bench/missing.ts")})`,
    );
  });

  it("a file that is not a module: names the allowed endings", () => {
    expect(messages.notCode?.message).toBe(
      "./bench/notes.txt: is not a workload module (allowed: a file ending in .ts, .mts, .js, .mjs)",
    );
  });

  it("no default export: says what it exports instead (ES module and CommonJS-compiled TypeScript)", () => {
    expect(messages.noDefault?.message).toBe(
      './bench/named.mjs: has no default export (expected export default defineWorkload({ ... }); it exports "helper", "workload")',
    );
    expect(messages.noDefaultTypeScript?.message).toBe(
      './bench/named.ts: has no default export (expected export default defineWorkload({ ... }); it exports "value")',
    );
  });

  it("not a workload: names every missing or wrong field", () => {
    const message = messages.notAWorkload?.message ?? "";
    expect(message).toMatch(/^\.\/bench\/half\.mjs: the default export is not a workload: /);
    expect(message).toContain('"title" is a number (expected a string)');
    expect(message).toContain(
      'missing "createTask" (a function (params, range, context) => { step(maxUnits), result() })',
    );
    expect(message).toContain('missing "combine" (a function (params, partials) => { checksum })');
    expect(message).not.toContain('"units"');
    expect(messages.aFunction?.message).toBe(
      './bench/function.mjs: the default export is a function, not a workload (export default defineWorkload({ ... }) from "@threadbench/workloads")',
    );
    expect(messages.plainParameters?.message).toContain(
      '"parameters" is an object (expected a zod object schema, z.object({ ... }))',
    );
  });

  it("throws at load: gives the cause and where it was thrown", () => {
    expect(messages.throws?.message).toBe(
      "./bench/throws.mts: threw while loading: RangeError: no GPU for size 3 (at throws.mts:3:7)",
    );
    expect(messages.throws?.cause).toBe("RangeError");
    // Node 20: tsx runs a .ts file without "type": "module" as CommonJS from a data: URL,
    // whose line numbers are the compiled code's, so no location rather than a wrong one;
    // Node 22.18+ strips the types itself and the location is exact.
    expect(messages.throwsCommonJs?.message).toMatch(
      /^\.\/bench\/throws\.ts: threw while loading: RangeError: no GPU for size 3( \(at throws\.ts:3:7\))?$/,
    );
    expect(messages.syntax?.message).toMatch(/^\.\/bench\/broken\.mjs: threw while loading: SyntaxError: /);
  });

  it("the CLI prints one line and exits 2", async () => {
    const outcome = await runThreadbench(["run", "--workload", "./bench/half.mjs", "--no-store"], {
      cwd: root,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim().split("\n")).toEqual([`threadbench run: ${messages.notAWorkload?.message}`]);
    expect(outcome.stdout).toBe("");
  });

  it("a module whose top-level await never settles, or that exits while loading: one line naming it", async () => {
    writeFixture(root, "bench/never.mjs", "await new Promise(() => {});\nexport default {};\n");
    writeFixture(root, "bench/exits.mjs", "process.exit(3);\nexport default {};\n");
    const never = await runThreadbench(["run", "--workload", "./bench/never.mjs", "--no-store"], {
      cwd: root,
    });
    expect(never.code).toBe(2);
    expect(never.stderr).toMatch(
      /^threadbench: the workload module \S*bench\/never\.mjs did not load: its top-level await never settled/m,
    );
    const exits = await runThreadbench(["run", "--workload", "./bench/exits.mjs", "--no-store"], {
      cwd: root,
    });
    expect(exits.code).toBe(3);
    expect(exits.stderr).toMatch(
      /^threadbench: the workload module \S*bench\/exits\.mjs did not load: it ended the process with exit code 3 while loading$/m,
    );
  });

  it("parameters out of range: the existing parameter validation, naming the field and the range", async () => {
    const outcome = await runThreadbench(
      ["run", "--workload", "./bench/mix-sum.mjs", "--param", "n=0", "--no-store"],
      {
        cwd: root,
      },
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      "threadbench run: --param n: Too small: expected number to be >=1 (allowed: an integer from 1 to 1000000 values)",
    );
  });
});

describe("plans naming a module", () => {
  const sumSquares = findWorkload("sum-squares") as AnyWorkload;
  const loaded = {
    id: "module:bench/squares",
    file: "/project/bench/squares.ts",
    relativePath: "bench/squares.ts",
    hash: "0".repeat(64),
    workload: asModuleWorkload(sumSquares, "module:bench/squares", "./bench/squares.ts"),
  };

  it("take the module's parameters, bounds and defaults", () => {
    const plan = parseRunPlan({ workload: loaded.id, threads: [2] }, "", { workloadModule: loaded });
    expect(plan.workloadId).toBe("module:bench/squares");
    expect(plan.params).toEqual({ n: 5_000_000 });
    expect(plan.workloadModule).toEqual({
      file: loaded.file,
      relativePath: loaded.relativePath,
      hash: loaded.hash,
    });
    expect(() =>
      parseRunPlan({ workload: loaded.id, params: { n: 0 } }, "", { workloadModule: loaded }),
    ).toThrow(
      "params.n: Too small: expected number to be >=1 (allowed: an integer from 1 to 67108864 iterations)",
    );
  });

  it("check units(params) once: a module returning no whole number of units is refused", () => {
    const broken = asModuleWorkload(
      { ...sumSquares, units: () => Number.NaN, parameters: z.object({}) },
      "module:bench/nan",
      "./bench/nan.ts",
    );
    expect(() =>
      parseRunPlan({ workload: "module:bench/nan" }, "", {
        workloadModule: { ...loaded, id: "module:bench/nan", workload: broken },
      }),
    ).toThrow("params: units(params) of module:bench/nan returned NaN (allowed: an integer from 1 to");
  });

  it("are refused without the loaded module: a server never loads a path a client names", () => {
    for (const workload of ["./bench/mix-sum.ts", "module:bench/mix-sum", "/etc/passwd.js"]) {
      let caught: unknown = null;
      try {
        parseRunPlan({ workload }, "plan");
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UserInputError);
      expect((caught as UserInputError).message).toMatch(
        /^plan\.workload: ".*" names a workload module: modules run from the CLI \(threadbench run --workload FILE\) on a machine with the project checked out/,
      );
    }
  });
});
