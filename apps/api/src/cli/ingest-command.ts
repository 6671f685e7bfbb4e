import { resolve } from "node:path";
import { adapterNames, adapters, describeAdapters } from "@threadbench/adapters";
import { gitInfo } from "../db/git-info.js";
import { UserInputError } from "../errors.js";
import { parseAdapterName, parseHarnessOptions } from "../ingest/harness-options.js";
import type { HarnessIngestRequest } from "../ingest/prepare-runs.js";
import { decodeHarnessBytes, readHarnessPath, readStream } from "../ingest/read-input.js";
import { resolveProjectName } from "../project/project-name.js";
import { collectEnvironment } from "../runner/environment.js";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, type CliIo, CliUsageError, parseFlags } from "./command.js";
import { formatStoredChanges } from "./comparison-format.js";

const flags = {
  adapter: { type: "string" },
  "threads-param": { type: "string" },
  "mode-param": { type: "string" },
  scaling: { type: "string" },
  commit: { type: "string" },
  branch: { type: "string" },
  project: { type: "string" },
  "testbed-name": { type: "string" },
  "started-at": { type: "string" },
  runtime: { type: "string" },
  "runtime-version": { type: "string" },
  label: { type: "string", short: "l", multiple: true },
  "idempotency-key": { type: "string" },
  json: { type: "boolean" },
  ...serverFlag,
} as const;

/** The CLI's flag for each option, so messages name what the user typed. */
const optionFlags: Record<string, string> = {
  commitSha: "--commit",
  branch: "--branch",
  labels: "--label",
  project: "--project",
  startedAt: "--started-at",
  testbedName: "--testbed-name",
  idempotencyKey: "--idempotency-key",
  threadsParam: "--threads-param",
  modeParam: "--mode-param",
  scaling: "--scaling",
  runtime: "--runtime",
  runtimeVersion: "--runtime-version",
  machine: "(this machine)",
};

export const ingestCommand: CliCommand = {
  name: "ingest",
  summary:
    "Store results of other harnesses (pytest-benchmark, pyperf, hyperfine, Go, ...) or ingest v1 JSON",
  help: `
Usage: threadbench ingest [--adapter NAME] FILE|DIRECTORY|- [flags]

Stores results produced outside threadbench's runner: a benchmark harness's result file,
read by an adapter, or a document in threadbench's ingest format v1
(apps/api/ingest/threadbench-ingest-v1.schema.json). "-" reads standard input:

  go test -bench . -cpu 1,2,4 -count 5 | threadbench ingest -
  threadbench ingest --adapter pyperf bench.json
  threadbench ingest target/criterion

Adapters (without --adapter the format is detected, and the choice printed):
${describeAdapters("  ")}

Every benchmark in the file is stored as its own run (one workload and parameter set,
its cells one per mode and thread count), so each keeps its own history. Thread counts
come from the harness (Google Benchmark's threads, Go's -N GOMAXPROCS suffix) or a
"threads" parameter (pytest-benchmark params, hyperfine -L/-P, name parts such as
"threads=4"); modes from a "mode" parameter. A "sequential" cell, else the 1-thread cell,
is the baseline of speedup and efficiency. What the file does not say about the machine
comes from this machine; commit and branch from the git checkout here. Ingesting the same
content again stores nothing twice (the idempotency key is derived from it).

Flags:
      --adapter NAME        ${adapterNames.join(", ")} or auto (default: auto)
      --threads-param NAME  Parameter holding the thread count (default: the harness's own, else "threads")
      --mode-param NAME     Parameter holding the mode (default "mode")
      --scaling weak|strong Default: strong when the harness's own thread count is used or
                            for rates (time per operation at fixed work), else weak
      --commit SHA          Commit measured (default: the file's, else HEAD of the checkout here)
      --branch NAME         Its branch (default: the file's, else the checked-out branch)
      --project NAME        Project of the runs (default: the git remote origin here, else "default")
      --testbed-name NAME   Host name of the testbed (default: the file's, else this machine's)
      --started-at ISO      When the benchmarks ran (default: the file's date, else now)
      --runtime NAME        What executed them when the file does not say (cpython, go, rust, native, ...)
      --runtime-version V   Its version (default: the file's, else "unknown")
  -l, --label TEXT          Label of every run stored, repeatable
      --idempotency-key KEY Instead of the key derived from the content
      --json                Print {adapter, detected, runs, id, created, run, regressions} as JSON
${serverHelp}

Exit status: 0 when every run is stored (or was already) and every cell succeeded; 1 when
the file is invalid (nothing is stored; every problem is named with the adapter and the
field) or a cell failed (the harness reported a failure, or a checksum disagrees with its
baseline); 2 for bad flags.
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, flags, true);
    const [file, ...extra] = positionals;
    if (!file) throw new CliUsageError("expected a FILE, a DIRECTORY or - (standard input) to ingest");
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    const adapter = values.adapter === undefined ? null : adapterFlag(values.adapter);
    if (values.scaling !== undefined && values.scaling !== "weak" && values.scaling !== "strong") {
      throw new CliUsageError(`--scaling: "${values.scaling}" is not allowed (allowed: weak, strong)`);
    }
    const input =
      file === "-"
        ? { text: decodeHarnessBytes(await readStream(io.stdin ?? process.stdin), "-") }
        : await readHarnessPath(resolve(io.cwd, file));
    const request = await ingestRequest(io, input, adapter, values);
    const store = await openCliStore(io, values.server);
    try {
      const outcome = await store.ingestHarness(request);
      const [first] = outcome.runs;
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify(
            {
              adapter: outcome.adapter,
              detected: outcome.detected,
              id: first?.run.id,
              created: first?.created,
              run: first?.run,
              runs: outcome.runs.map(({ run, created, label }) => ({
                id: run.id,
                created,
                label,
                status: run.status,
                error: run.error,
              })),
              regressions: outcome.runs.flatMap((ingested) => ingested.changes?.stored ?? []),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        if (outcome.detected)
          io.stdout.write(`detected ${outcome.adapter} (${adapters[outcome.adapter].reads})\n`);
        for (const { run, created, label, changes } of outcome.runs) {
          const runtime = `${run.testbed?.runtime ?? "?"} ${run.testbed?.runtimeVersion ?? ""}`.trim();
          io.stdout.write(
            created
              ? `stored run ${run.id} (${label}, ${run.testbed?.hostname ?? "?"}, ${runtime})\n`
              : `already stored as run ${run.id} (idempotency key "${run.idempotencyKey}"): nothing stored\n`,
          );
          if (run.status === "failed") io.stdout.write(`  failed: ${run.error ?? "a cell failed"}\n`);
          for (const line of changes ? formatStoredChanges(changes) : []) io.stdout.write(`${line}\n`);
        }
      }
      if (outcome.runs.length < outcome.total) {
        io.stderr.write(
          `threadbench ingest: interrupted: stored ${outcome.runs.length} of the ${outcome.total} runs of ${file === "-" ? "standard input" : file}; run the same command again to store the rest (runs already stored are recognised by their idempotency keys and not stored twice)\n`,
        );
        return 1;
      }
      const failed = outcome.runs.filter(({ run }) => run.status === "failed");
      for (const { run, label } of failed) {
        io.stderr.write(
          `threadbench ingest: run ${run.id} (${label}) failed: ${run.error ?? "a cell failed"}\n`,
        );
      }
      return failed.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

function adapterFlag(raw: string) {
  try {
    return parseAdapterName(raw, "--adapter");
  } catch {
    throw new CliUsageError(`--adapter: "${raw}" is not allowed (allowed: auto, ${adapterNames.join(", ")})`);
  }
}

/**
 * The request the store takes: the flags checked (each message naming its flag), this
 * machine's facts for what the file lacks (as a native run detects them), the checkout's
 * commit and branch, and the project (flag, else the git remote here).
 */
async function ingestRequest(
  io: CliIo,
  input: HarnessIngestRequest["input"],
  adapter: HarnessIngestRequest["adapter"],
  values: Record<string, string | boolean | string[] | undefined>,
): Promise<HarnessIngestRequest> {
  const environment = collectEnvironment();
  const options = flagOptions(
    {
      commitSha: values.commit,
      branch: values.branch,
      labels: values.label,
      project: values.project ?? (await resolveProjectName(undefined, io.cwd)),
      startedAt: values["started-at"],
      testbedName: values["testbed-name"],
      idempotencyKey: values["idempotency-key"],
      threadsParam: values["threads-param"],
      modeParam: values["mode-param"],
      scaling: values.scaling,
      runtime: values.runtime,
      runtimeVersion: values["runtime-version"],
      machine: {
        hostname: environment.hostname,
        os: environment.os,
        osRelease: environment.osRelease,
        arch: environment.arch,
        cpuModel: environment.cpuModel,
        logicalCores: environment.logicalCores,
        memoryBytes: environment.memoryBytes,
      },
    },
    (field) => optionFlags[field] ?? field,
  );
  return { input, adapter, options, git: await gitInfo(io.cwd, io.env) };
}

/** Bad flag values are usage errors (exit status 2), each naming its flag. */
function flagOptions(...args: Parameters<typeof parseHarnessOptions>) {
  try {
    return parseHarnessOptions(...args);
  } catch (error) {
    if (error instanceof UserInputError) {
      throw new CliUsageError(error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "));
    }
    throw error;
  }
}
