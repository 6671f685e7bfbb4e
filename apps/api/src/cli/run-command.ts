import path from "node:path";
import { executionModes, planLimits, runtimeModes, scalingKinds } from "@threadbench/core";
import { workloadIds } from "@threadbench/workloads";
import { acquireMachineLock } from "../runner/machine-lock.js";
import { type PlanModuleInput, parseRunPlan } from "../runner/plan.js";
import { PythonHarness, PythonRuntimeError } from "../runner/python/harness-process.js";
import { pythonWorkloadIds } from "../runner/python/python-runtime.js";
import { serverFlag } from "./cli-store.js";
import {
  type CliCommand,
  type CliIo,
  CliUsageError,
  parseFlags,
  parseInteger,
  parseList,
} from "./command.js";
import { printStoredRun, reportNotStored, runJson } from "./plan-execution.js";
import { closeRunSink, executeInto, openRunSink } from "./run-sink.js";
import {
  checkRunTagFlags,
  moduleHeader,
  resolveWorkloadFlag,
  runSuite,
  suiteFlagConflicts,
} from "./run-suite.js";

const flags = {
  // No default: without --workload, a project file (threadbench.config.*) runs its suite.
  workload: { type: "string", short: "w" },
  project: { type: "string" },
  config: { type: "string" },
  plan: { type: "string", multiple: true },
  param: { type: "string", short: "p", multiple: true },
  threads: { type: "string", short: "t", default: "1,2,4" },
  modes: { type: "string", short: "m" },
  runtime: { type: "string", default: "node" },
  repetitions: { type: "string", short: "r", default: "5" },
  warmups: { type: "string", default: "1" },
  scaling: { type: "string", default: "weak" },
  "task-timeout": { type: "string", default: "600000" },
  "max-heap": { type: "string", default: "2048" },
  commit: { type: "string" },
  branch: { type: "string" },
  label: { type: "string", short: "l", multiple: true },
  "no-store": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  progress: { type: "boolean", default: true },
  "no-progress": { type: "boolean", default: false },
  ...serverFlag,
} as const;

/** `--param n=1000` values: numbers and booleans as such, anything else as text. */
export function parseParamFlags(values: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const raw of values) {
    const equals = raw.indexOf("=");
    if (equals <= 0)
      throw new CliUsageError(
        `--param: "${raw}" is not allowed (expected name=value, e.g. --param n=1000000)`,
      );
    const name = raw.slice(0, equals).trim();
    const text = raw.slice(equals + 1).trim();
    if (Object.hasOwn(params, name)) {
      throw new CliUsageError(
        `--param: "${name}" is given more than once (allowed: each parameter once, e.g. --param n=1000 --param seed=2)`,
      );
    }
    const numeric = text.replaceAll("_", "");
    params[name] =
      text === "true"
        ? true
        : text === "false"
          ? false
          : numeric !== "" && Number.isFinite(Number(numeric))
            ? Number(numeric)
            : text;
  }
  return params;
}

/** Validates the flags into a run plan; every problem names its flag. */
export function planFromFlags(
  values: {
    workload: string;
    param?: string[];
    threads: string;
    modes?: string | undefined;
    runtime?: string | undefined;
    repetitions: string;
    warmups: string;
    scaling: string;
    "task-timeout": string;
    "max-heap": string;
  },
  /** A workload module `--workload` named, loaded by resolveWorkloadFlag. */
  workloadModule?: PlanModuleInput,
) {
  if (!workloadModule && !workloadIds.includes(values.workload)) {
    throw new CliUsageError(
      `--workload: "${values.workload}" is not allowed (allowed: ${workloadIds.join(", ")})`,
    );
  }
  const threads = values.threads
    .split(",")
    .map((part) => parseInteger("threads", part.trim(), 1, planLimits.maxThreads));
  const input = {
    workload: values.workload,
    params: parseParamFlags(values.param ?? []),
    // Default: every mode of the runtime (parseRunPlan fills them in).
    ...(values.modes !== undefined ? { modes: parseList("modes", values.modes, executionModes) } : {}),
    ...(values.runtime !== undefined ? { runtime: values.runtime } : {}),
    threads,
    repetitions: parseInteger("repetitions", values.repetitions, 1, planLimits.maxRepetitions),
    warmups: parseInteger("warmups", values.warmups, 0, planLimits.maxWarmups),
    scaling: parseList("scaling", values.scaling, scalingKinds)[0],
    taskTimeoutMs: parseInteger(
      "task-timeout",
      values["task-timeout"],
      planLimits.minTaskTimeoutMs,
      planLimits.maxTaskTimeoutMs,
    ),
    maxHeapMb: parseInteger("max-heap", values["max-heap"], planLimits.minHeapMb, planLimits.maxHeapMb),
  };
  try {
    return parseRunPlan(input, "", workloadModule ? { workloadModule } : {});
  } catch (error) {
    if (error instanceof Error && "issues" in error) {
      const issues = (error as { issues: Array<{ path: string; message: string }> }).issues;
      throw new CliUsageError(
        issues
          .map(
            (issue) =>
              `${issue.path.startsWith("params.") ? `--param ${issue.path.slice(7)}` : `--${issue.path}`}: ${issue.message}`,
          )
          .join("\n"),
      );
    }
    throw error;
  }
}

/** A relative interpreter path is relative to where the command was typed. */
function runtimeFromFlag(runtime: string, cwd: string): string {
  const value = runtime.trim();
  return value.includes("/") && !path.isAbsolute(value) ? path.resolve(cwd, value) : value;
}

/**
 * Starts the interpreter once before anything is stored: a missing, broken or too old
 * Python is a bad --runtime (exit 2), not a failed run in the history.
 */
async function probePythonRuntime(executable: string, io: CliIo): Promise<void> {
  try {
    const harness = await PythonHarness.start({ executable, signal: io.signal });
    await harness.close();
  } catch (error) {
    if (error instanceof PythonRuntimeError) throw new CliUsageError(`--runtime: ${error.message}`);
    throw error;
  }
}

export const runCommand: CliCommand = {
  name: "run",
  summary: "Run a workload in every mode and thread count and print the scaling table",
  help: `
Usage: threadbench run [flags]
       threadbench run [--config FILE] [--plan NAME]...

Runs one workload sequentially, interleaved on the event loop, on a piscina
worker-thread pool and on a process pool, for each thread count, and prints wall
time statistics, speedup and parallel efficiency against the sequential baseline.

Without --workload, runs the suite of the project file (threadbench.config.ts,
.mts, .js, .mjs or .json) found here or in a directory above: one stored run per
plan; exit status 1 if any plan failed.

Flags:
  -w, --workload ID|FILE   Workload to run: a built-in id (see \`threadbench workloads\`) or
                           a workload module, ./bench/resize.ts (.ts, .mts, .js, .mjs)
                           whose default export is defineWorkload({...}) from
                           @threadbench/workloads (default without a project file: sum-squares)
      --project NAME       Project the run belongs to (default: the project file's name,
                           else the git remote's owner/repo for modules, else "default")
      --config FILE        Project file to run instead of the one found from here upwards
      --plan NAME          Run only this plan of the suite, repeatable
  -p, --param NAME=VALUE   Workload parameter, repeatable for different names (e.g. --param n=10000000)
  -t, --threads LIST       Thread counts, comma-separated, 1..${planLimits.maxThreads} (default 1,2,4)
  -m, --modes LIST         Modes, comma-separated: node runs ${runtimeModes.node.join(", ")};
                           python runs ${runtimeModes.python.join(", ")}
                           (default: all of the runtime's; sequential always runs as the baseline)
      --runtime NAME       What executes the tasks: node (default), or a Python >= 3.8
                           interpreter: python3, python3.13t, or a path. Python runs the
                           article's experiments (${pythonWorkloadIds.join(", ")}) in
                           threadbench's CPython harness; PYTHON_GIL is passed through
  -r, --repetitions N      Timed repetitions per cell, 1..${planLimits.maxRepetitions} (default 5)
      --warmups N          Untimed warm-up repetitions per cell, 0..${planLimits.maxWarmups} (default 1)
      --scaling KIND       weak: N full-size tasks on N threads (default);
                           strong: one job split into N chunks
      --task-timeout MS    Fail a cell whose task runs longer in a worker thread or child
                           process (default 600000); sequential and event-loop tasks run on
                           this process's own thread, where nothing can stop a task that
                           never returns: the process must be killed (the run is then
                           marked interrupted by the next threadbench command)
      --max-heap MIB       Heap limit of each worker thread and child process (default 2048)
      --commit SHA         Commit the run measured (default: HEAD of the git checkout here)
      --branch NAME        Branch of that commit (default: the checked-out branch)
  -l, --label TEXT         Free-form label, repeatable: 1 to 100 characters, at most 50
                           labels (e.g. --label nightly)
      --no-store           Do not store the run (by default every run is kept in the
                           database named by DATABASE_URL; unset: data/threadbench.db)
      --server URL         Execute here, then post the run to the threadbench API at URL
                           (default THREADBENCH_SERVER_URL; token THREADBENCH_TOKEN)
                           instead of storing it in a database
      --json               Print the result as JSON on stdout
      --no-progress        No progress bar (it is only drawn on a terminal anyway)

Exit status: 0 when every cell succeeded, 1 when a cell failed or the run was
cancelled (Ctrl-C), 2 for bad flags.
`,
  async run(argv, io) {
    const parsed = parseFlags(argv, flags).values;
    // Before anything runs: a tag the store would refuse must not cost the run.
    const values = { ...parsed, ...checkRunTagFlags(parsed) };
    if (values.workload === undefined) {
      const suite = await runSuite(values, io, { conflicts: suiteFlagConflicts(argv) });
      if (suite !== null) return suite;
    }
    const target = await resolveWorkloadFlag(values.workload ?? "sum-squares", values.project, io);
    const plan = planFromFlags(
      { ...values, workload: target.workloadId, runtime: runtimeFromFlag(values.runtime, io.cwd) },
      target.workloadModule,
    );
    if (plan.runtime?.kind === "python") await probePythonRuntime(plan.runtime.executable, io);
    const labels = values.label;
    // One benchmark at a time per machine: wait for a run of another process to end.
    const lock = await acquireMachineLock({
      description: `threadbench run ${plan.workloadId}`,
      signal: io.signal,
      onWait: (holder) =>
        io.stderr.write(
          `threadbench run: waiting for another run on this machine to finish (${holder.description}, pid ${holder.pid}, since ${holder.since})\n`,
        ),
    });
    try {
      const sink = await openRunSink(io, { noStore: values["no-store"], server: values.server });
      try {
        const outcome = await executeInto(sink, {
          plan,
          labels,
          project: target.project,
          gitDirectory: target.root,
          commit: values.commit,
          branch: values.branch,
          showProgress: !values["no-progress"] && values.progress,
          io,
        });
        if (values.json) {
          io.stdout.write(`${JSON.stringify(runJson(outcome), null, 2)}\n`);
        } else {
          printStoredRun(outcome, io, target.workloadModule ? moduleHeader(target) : []);
        }
        if (reportNotStored(outcome, io, "run")) return 1;
        return outcome.result.status === "succeeded" ? 0 : 1;
      } finally {
        await closeRunSink(sink);
      }
    } finally {
      lock.release();
    }
  },
};
