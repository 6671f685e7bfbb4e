import { createHash } from "node:crypto";
import {
  type Adapted,
  type AdaptedRun,
  AdapterError,
  type AdapterName,
  type AdapterOptions,
  adapt,
  harnessInput,
  type InputFile,
} from "@threadbench/adapters";
import type { FieldIssue } from "@threadbench/workloads";
import { headSubjectFor } from "../db/git-info.js";
import { type IngestContext, type IngestPayload, parseIngestPayload } from "../db/ingest.js";
import { canonicalJson } from "../db/series-key.js";
import { normalizeArch, normalizeOs, type TestbedInput } from "../db/testbed.js";
import { UserInputError } from "../errors.js";

/** The machine facts a harness file may lack; the CLI fills them from the machine running it. */
export type MachineFacts = Partial<
  Pick<TestbedInput, "hostname" | "os" | "osRelease" | "arch" | "cpuModel" | "logicalCores" | "memoryBytes">
>;

/** What the user says about a file beyond what it holds (the CLI's flags, ingestRun's options). */
export interface HarnessIngestOptions extends AdapterOptions {
  commitSha?: string;
  branch?: string;
  labels?: string[];
  project?: string;
  /** ISO 8601; default the file's own date, else now. */
  startedAt?: string;
  /** Replaces the hostname part of the testbed (the file's or the machine's). */
  testbedName?: string;
  /** Default: derived from the content (see harnessIdempotencyKey). */
  idempotencyKey?: string;
  /** What executed the benchmark, when the file does not say (Go, C++, a shell command). */
  runtime?: string;
  runtimeVersion?: string;
  /** Machine facts the file does not carry. */
  machine?: MachineFacts;
}

/** A harness file (or a directory's files) and how to read it. */
export interface HarnessIngestRequest {
  /** The file's text (UTF-8, already gunzipped) or, for Criterion's target/criterion, its files. */
  input: { text: string } | { files: InputFile[] };
  /** null: detect the format. */
  adapter: AdapterName | null;
  options: HarnessIngestOptions;
  /** Commit and branch of the checkout the CLI runs in; used when neither flag nor file says. */
  git?: { commitSha: string | null; branch: string | null; commitMessage?: string | null };
  /** "now", for files without a date. */
  now?: Date;
}

/** One run ready for the store: a format v1 document and what goes with it. */
export interface PreparedRun {
  payload: IngestPayload;
  context: IngestContext;
  /** "workload params" for messages. */
  label: string;
}

/** What a request becomes before anything is stored. */
export interface PreparedIngest {
  adapter: AdapterName;
  detected: boolean;
  runs: PreparedRun[];
}

/**
 * Reads a harness's file with its adapter (detected unless named) and turns every
 * benchmark into a format v1 document validated by the store's own schema, with the
 * machine's and the flags' facts filled in. Pure: nothing is stored, and nothing is when
 * anything in the file is wrong (every problem is listed, naming the adapter and field).
 */
export function prepareHarnessIngest(request: HarnessIngestRequest): PreparedIngest {
  const input =
    "files" in request.input ? harnessInput("", request.input.files) : harnessInput(request.input.text);
  let adapted: Adapted;
  try {
    adapted = adapt(input, request.adapter, request.options);
  } catch (error) {
    throw adapterInputError(error);
  }
  const digest = contentDigest(adapted.adapter, request.input);
  const { result } = adapted;
  if (result.kind === "ingest-document") {
    const payload = parseIngestPayload(withFlags(result.document, request, `threadbench:${digest}`));
    return {
      adapter: adapted.adapter,
      detected: adapted.detected,
      runs: [
        {
          payload,
          context: {
            harness: "threadbench",
            ...(request.options.project ? { project: request.options.project } : {}),
          },
          label: ingestedRunLabel("threadbench", payload.workload, payload.params ?? {}),
        },
      ],
    };
  }
  const issues: FieldIssue[] = [];
  const runs: PreparedRun[] = [];
  for (const run of result.runs) {
    const label = ingestedRunLabel(adapted.adapter, run.workload, run.params);
    try {
      runs.push(
        prepareRun(run, { ...request, adapter: adapted.adapter, digest, label, count: result.runs.length }),
      );
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      for (const issue of error.issues)
        issues.push({ path: `${label}: ${issue.path}`, message: issue.message });
    }
  }
  if (issues.length > 0) {
    throw new UserInputError(
      issues,
      `${adapted.adapter}: ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${issues
        .map((issue) => `  ${issue.path}: ${issue.message}`)
        .join("\n")}`,
    );
  }
  return { adapter: adapted.adapter, detected: adapted.detected, runs };
}

/**
 * The idempotency key of content nobody named: the adapter and a sha256 of the text (or
 * of a directory's paths and texts), so the same file ingested again (a CI retry) stores
 * nothing twice, whatever the flags. Each benchmark of the file adds its own suffix.
 */
export function contentDigest(adapter: AdapterName, input: HarnessIngestRequest["input"]): string {
  const hash = createHash("sha256").update(`${adapter}\0`);
  if ("files" in input) {
    for (const file of [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      hash.update(`${file.path}\0${file.text}\0`);
    }
  } else {
    hash.update(input.text);
  }
  return hash.digest("hex").slice(0, 40);
}

function prepareRun(
  run: AdaptedRun,
  request: HarnessIngestRequest & { adapter: AdapterName; digest: string; label: string; count: number },
): PreparedRun {
  const { options } = request;
  const runKey = createHash("sha256")
    .update(`${run.workload}\0${canonicalJson(run.params)}`)
    .digest("hex")
    .slice(0, 12);
  const idempotencyKey = options.idempotencyKey
    ? request.count > 1
      ? `${options.idempotencyKey}/${runKey}`
      : options.idempotencyKey
    : `${request.adapter}:${request.digest}/${runKey}`;
  const startedAt = isoDate(options.startedAt ?? run.startedAt) ?? (request.now ?? new Date()).toISOString();
  const fileFinish = options.startedAt ? undefined : isoDate(run.finishedAt);
  const failed = run.cells.filter((cell) => cell.status === "failed");
  const commitSha = options.commitSha ?? run.commitSha ?? request.git?.commitSha ?? null;
  const payload = withSamplePlaces(run, () =>
    parseIngestPayload({
      formatVersion: 1,
      idempotencyKey,
      workload: run.workload,
      params: run.params,
      scaling: run.scaling,
      commitSha,
      commitMessage: request.git ? headSubjectFor(request.git, commitSha) : null,
      branch: options.branch ?? run.branch ?? request.git?.branch ?? null,
      labels: options.labels ?? [],
      startedAt,
      ...(fileFinish && Date.parse(fileFinish) >= Date.parse(startedAt) ? { finishedAt: fileFinish } : {}),
      // As for a native run: a failed cell fails the run.
      ...(failed.length > 0
        ? {
            status: "failed",
            error: failed
              .map((cell) => `${cell.mode} x${cell.threads}: ${cell.error ?? "failed"}`)
              .join("; "),
          }
        : {}),
      testbed: testbedOf(run, request),
      measurements: run.cells.map((cell) => ({
        mode: cell.mode,
        threads: cell.threads,
        status: cell.status,
        error: cell.error,
        samples: cell.samples.map((sample) => ({
          wallMs: sample.wallMs,
          ...(sample.cpuMs != null ? { cpuMs: sample.cpuMs } : {}),
        })),
      })),
    }),
  );
  return {
    payload,
    label: request.label,
    context: {
      harness: request.adapter,
      ...(options.project ? { project: options.project } : {}),
      ...(run.testbed.gilEnabled !== undefined || run.testbed.freeThreadedBuild !== undefined
        ? {
            testbed: {
              ...(run.testbed.gilEnabled !== undefined ? { gilEnabled: run.testbed.gilEnabled } : {}),
              ...(run.testbed.freeThreadedBuild !== undefined
                ? { freeThreadedBuild: run.testbed.freeThreadedBuild }
                : {}),
            },
          }
        : {}),
      harnessDetails: {
        ...run.details,
        adapter: request.adapter,
        contentSha256: request.digest,
        cells: Object.fromEntries(run.cells.map((cell) => [`${cell.mode} x${cell.threads}`, cell.details])),
      },
    },
  };
}

/**
 * The testbed: flags first (testbed name, runtime), then what the file says, then the
 * machine running ingest. Architecture and OS names are normalised (x86_64 and amd64 are
 * x64) so one machine stays one testbed whichever tool described it.
 */
function testbedOf(
  run: AdaptedRun,
  request: HarnessIngestRequest & { adapter: AdapterName },
): Record<string, unknown> {
  const { options } = request;
  const machine = options.machine ?? {};
  const file = run.testbed;
  const testbed = {
    hostname: options.testbedName ?? file.hostname ?? machine.hostname,
    os: file.os ?? machine.os,
    osRelease: file.osRelease ?? machine.osRelease,
    arch: file.arch ?? machine.arch,
    cpuModel: file.cpuModel ?? machine.cpuModel,
    logicalCores: file.logicalCores ?? machine.logicalCores,
    memoryBytes: file.memoryBytes ?? machine.memoryBytes,
    // What ran the benchmark, not threadbench's Node: unknown unless the file or a flag says.
    runtime: options.runtime ?? file.runtime ?? "unknown",
    runtimeVersion: options.runtimeVersion ?? file.runtimeVersion ?? "unknown",
  };
  const missing = Object.entries(testbed)
    .filter(([field, value]) => value === undefined && field !== "osRelease")
    .map(([field]) => field);
  if (missing.length > 0) {
    throw new UserInputError(
      missing.map((field) => ({
        path: `testbed.${field}`,
        message: `the ${request.adapter} input does not say and no machine was given (the CLI fills it from the machine it runs on; ingestRun takes options.testbed.${field})`,
      })),
    );
  }
  const { osRelease, ...required } = testbed;
  return {
    ...required,
    ...(osRelease !== undefined ? { osRelease } : {}),
    os: normalizeOs(testbed.os as string),
    arch: normalizeArch(testbed.arch as string),
  };
}

/**
 * The CLI's flags on a threadbench ingest document: they fill what it leaves out (its
 * own commit, branch and key win), labels add up, and a key derived from the content
 * stands in when it has none.
 */
function withFlags(document: unknown, request: HarnessIngestRequest, derivedKey: string): unknown {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return document;
  const doc = { ...(document as Record<string, unknown>) };
  const { options } = request;
  doc.idempotencyKey ??= options.idempotencyKey ?? derivedKey;
  if (doc.commitSha == null) doc.commitSha = options.commitSha ?? request.git?.commitSha ?? null;
  if (doc.commitMessage == null && typeof doc.commitSha === "string") {
    doc.commitMessage = request.git ? headSubjectFor(request.git, doc.commitSha) : null;
  }
  if (doc.branch == null) doc.branch = options.branch ?? request.git?.branch ?? null;
  if (options.labels?.length) {
    doc.labels = [...(Array.isArray(doc.labels) ? (doc.labels as unknown[]) : []), ...options.labels];
  }
  if (options.startedAt && doc.startedAt === undefined) doc.startedAt = options.startedAt;
  return doc;
}

/**
 * Runs `parse` and names a sample's place in the harness's file (`[0].value`,
 * `benchmarks[3].stats.data[0]`) instead of the document's (`measurements[0].samples[0].wallMs`)
 * in its complaints: the user can find the one, not the other.
 */
function withSamplePlaces<T>(run: AdaptedRun, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    const issues = error.issues.map((issue) => {
      const match = /^measurements\[(\d+)\]\.samples\[(\d+)\]\.(\w+)$/.exec(issue.path);
      const sample = match ? run.cells[Number(match[1])]?.samples[Number(match[2])] : undefined;
      if (!match || !sample?.at) return issue;
      const field = match[3] as "wallMs" | "cpuMs";
      return { path: sample.at, message: `becomes ${field} = ${sample[field]} ms: ${issue.message}` };
    });
    throw new UserInputError(issues);
  }
}

function isoDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * How `threadbench ingest` names a run it stored: the workload, and for a harness's file
 * its parameters too, which are what tell its benchmarks apart ("BM_SumSquares
 * arg0=5000000"). One function, so a database and `--server` print the same.
 */
export function ingestedRunLabel(
  adapter: AdapterName,
  workload: string,
  params: Readonly<Record<string, unknown>>,
): string {
  if (adapter === "threadbench") return workload;
  const text = Object.entries(params)
    .map(([name, value]) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return text ? `${workload} ${text}` : workload;
}

/** An adapter's complaint as the store's input error: the adapter named, each field's path kept. */
export function adapterInputError(error: unknown): unknown {
  if (!(error instanceof AdapterError)) return error;
  return new UserInputError(
    error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    error.message,
  );
}
