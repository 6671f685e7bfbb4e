import type { AdapterName } from "@threadbench/adapters";
import type { RunResult, Summary } from "@threadbench/core";
import type { RegressionFilter, StoredRegression } from "../db/regression-repository.js";
import type { RunFilter, RunPage } from "../db/run-list.js";
import type { StoredMeasurement, StoredRun, StoredRunDetail, StoredSample } from "../db/run-rows.js";
import type { StoredTestbed } from "../db/testbed.js";
import {
  ConfigurationError,
  type ErrorCode,
  ForbiddenError,
  NotFoundError,
  ThreadbenchError,
  UnauthenticatedError,
  UserInputError,
} from "../errors.js";
import { enumResolvers } from "../graphql/enum-values.js";
import { type HarnessIngestRequest, ingestedRunLabel } from "../ingest/prepare-runs.js";
import type { BranchCheck, CheckBranchOptions } from "../regressions/check-branch.js";
import { compareRunDetails, type RunComparison } from "../regressions/compare-runs.js";
import type { CliStore, HarnessIngestOutcome, IngestOutcome, RecordRunOptions } from "./cli-store.js";
import { CliUsageError } from "./command.js";

/*
 * The CLI store over a threadbench API (`--server URL`): GraphQL over plain fetch, one
 * POST per call. Every answer is mapped back to the repositories' own shapes, so the
 * commands print exactly what they print on a local database. What only the database
 * knows how to do (the branch check's choice of runs) is asked of the server, which runs
 * the same code; what is pure (comparing two runs' samples) runs here, on the same data.
 * A plain fetch rather than a GraphQL client library: seven fixed documents, no cache,
 * no subscriptions; the errors must become one-line CLI messages anyway.
 */

/** How long one request may take before the CLI gives up (a large ingest, a slow check). */
const requestTimeoutMs = 120_000;
/** The API's largest page (`runs(first)`, `regressions(first)`). */
const apiPageSize = 200;

// ---- the documents ----

const testbedFields = `id fingerprint hostname os osRelease arch cpuModel logicalCores memoryBytes runtime
  runtimeVersion v8Version gilEnabled freeThreadedBuild createdAt`;

const runFields = `id workloadId params paramsKey modes threads repetitions warmups scaling taskTimeoutMs
  maxHeapMb runtime status error source harness project workloadHash workloadModule commitSha commitMessage
  branch labels idempotencyKey seeded environment testbed { ${testbedFields} } createdAt startedAt
  finishedAt updatedAt priority requestedBy claimedBy heartbeatAt cancelRequestedAt
  target { agent { id } labels } agent { id }`;

const summaryFields = "min max median mean stddev cv";
const sharedMemoryFields = "sharedMemory { variant expected observed lostUpdates }";
const measurementFields = `id runId seriesKey recordedAt mode threads tasks status error sampleCount
  wall { ${summaryFields} } cpu { ${summaryFields} } setupMs taskOverheadMs speedup efficiency checksum
  expectedChecksum checksumStatus ${sharedMemoryFields}
  samples @include(if: $samples) { index wallMs cpuMs taskDurationsMs checksum ${sharedMemoryFields} }`;

const regressionFields = `id seriesKey runId kind metric size sizeLow sizeHigh beforeValue afterValue
  confidence status statusChangedBy statusChangedAt note createdAt updatedAt series { key }
  workloadId params mode threads scaling testbedId branch`;

const runsQuery = `query ThreadbenchCliRuns($filter: RunFilter, $first: Int!, $after: String) {
  runs(filter: $filter, first: $first, after: $after) {
    nodes { ${runFields} }
    pageInfo { hasNextPage endCursor }
  }
}`;

const runDetailQuery = `query ThreadbenchCliRun($id: ID!, $samples: Boolean!) {
  run(id: $id) { ${runFields} measurements { ${measurementFields} } }
}`;

const twoRunsQuery = `query ThreadbenchCliCompare($base: ID!, $head: ID!, $samples: Boolean!) {
  base: run(id: $base) { ${runFields} measurements { ${measurementFields} } }
  head: run(id: $head) { ${runFields} measurements { ${measurementFields} } }
}`;

const regressionsQuery = `query ThreadbenchCliRegressions($filter: RegressionFilter, $first: Int!, $after: String) {
  regressions(filter: $filter, first: $first, after: $after) {
    nodes { ${regressionFields} }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ingestMutation = `mutation ThreadbenchCliIngest($input: JSON!) {
  ingestRun(input: $input) { created run { ${runFields} } regressions { ${regressionFields} } }
}`;

const ingestHarnessMutation = `mutation ThreadbenchCliIngestHarness($input: JSON!, $adapter: String!, $options: IngestOptions) {
  ingestRun(input: $input, adapter: $adapter, options: $options) {
    adapter detected runs { created run { ${runFields} } } regressions { ${regressionFields} }
  }
}`;

const recordRunMutation = `mutation ThreadbenchCliRecordRun($result: JSON!, $commitSha: String,
  $commitMessage: String, $branch: String, $labels: [String!], $project: String, $idempotencyKey: String) {
  recordRun(result: $result, commitSha: $commitSha, commitMessage: $commitMessage, branch: $branch,
    labels: $labels, project: $project, idempotencyKey: $idempotencyKey) { created run { ${runFields} } regressions { ${regressionFields} } }
}`;

const checkQuery = `query ThreadbenchCliCheck($input: CheckInput!) {
  check(input: $input) { report }
}`;

// ---- the shapes the documents return ----

interface RemoteTestbed extends Omit<StoredTestbed, "createdAt"> {
  createdAt: string;
}

type RunDateField =
  | "createdAt"
  | "startedAt"
  | "finishedAt"
  | "updatedAt"
  | "heartbeatAt"
  | "cancelRequestedAt";

/**
 * A run as the GraphQL API sends it: StoredRun's fields, with dates as ISO strings, enums
 * as their wire names, and the target and agent as objects (toStoredRun maps it back).
 */
interface RemoteRun
  extends Omit<
    StoredRun,
    RunDateField | "status" | "source" | "runtime" | "testbed" | "targetAgentId" | "targetLabels" | "agentId"
  > {
  runtime: string | null;
  status: string;
  source: string;
  testbed: RemoteTestbed | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  heartbeatAt: string | null;
  cancelRequestedAt: string | null;
  target: { agent: { id: string } | null; labels: string[] };
  agent: { id: string } | null;
}

type RemoteSummary = Omit<Summary, "count">;

interface RemoteSample extends Omit<StoredSample, "sharedMemory"> {
  sharedMemory: unknown[] | null;
}

/** A measurement as the API sends it: StoredMeasurement's fields, with the date as a string and enums as wire names. */
interface RemoteMeasurement
  extends Omit<StoredMeasurement, "recordedAt" | "status" | "checksumStatus" | "wall" | "cpu" | "samples"> {
  recordedAt: string;
  status: string;
  checksumStatus: string;
  wall: RemoteSummary | null;
  cpu: RemoteSummary | null;
  samples?: RemoteSample[];
}

interface RemoteRunDetail extends RemoteRun {
  measurements: RemoteMeasurement[];
}

interface RemoteRegression {
  id: string;
  seriesKey: string;
  runId: string;
  kind: string;
  metric: string;
  size: number;
  sizeLow: number | null;
  sizeHigh: number | null;
  beforeValue: number | null;
  afterValue: number | null;
  confidence: number;
  status: string;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  series: { key: string } | null;
  workloadId: string | null;
  params: unknown;
  mode: string | null;
  threads: number | null;
  scaling: string | null;
  testbedId: string | null;
  branch: string | null;
}

interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

// ---- enum values: lower case in the store, SCREAMING_SNAKE in GraphQL ----

/**
 * Both directions of one enum, read from the server's own table of internal values
 * (graphql/enum-values.ts), so the client and the server map the same way.
 */
function enumTable<Name extends string, Value extends string>(table: Readonly<Record<Name, Value>>) {
  const entries = Object.entries(table) as Array<[Name, Value]>;
  const names = new Map(entries.map(([name, value]) => [value, name]));
  const values = new Map<string, Value>(entries);
  return {
    toGraphQL(value: Value): Name {
      const name = names.get(value);
      if (name === undefined) throw new Error(`"${value}" has no GraphQL name`);
      return name;
    },
    fromGraphQL(name: string): Value {
      const value = values.get(name);
      if (value === undefined) throw new Error(`the API sent an unknown value "${name}"`);
      return value;
    },
  };
}
const runStatusValues = enumTable(enumResolvers.RunStatus);
const runSourceValues = enumTable(enumResolvers.RunSource);
const regressionStatusValues = enumTable(enumResolvers.RegressionStatus);
const regressionKindValues = enumTable(enumResolvers.RegressionKind);
const regressionMetricValues = enumTable(enumResolvers.RegressionMetric);
const scalingValues = enumTable(enumResolvers.ScalingKind);
const cellStatusValues = enumTable(enumResolvers.CellStatus);
const checksumStatusValues = enumTable(enumResolvers.ChecksumStatus);

// ---- mapping back to the repositories' shapes (same keys, same order) ----

const date = (value: string): Date => new Date(value);
const optionalDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

function toStoredTestbed(testbed: RemoteTestbed): StoredTestbed {
  return {
    id: testbed.id,
    fingerprint: testbed.fingerprint,
    hostname: testbed.hostname,
    os: testbed.os,
    osRelease: testbed.osRelease,
    arch: testbed.arch,
    cpuModel: testbed.cpuModel,
    logicalCores: testbed.logicalCores,
    memoryBytes: testbed.memoryBytes,
    runtime: testbed.runtime,
    runtimeVersion: testbed.runtimeVersion,
    v8Version: testbed.v8Version,
    gilEnabled: testbed.gilEnabled,
    freeThreadedBuild: testbed.freeThreadedBuild,
    createdAt: date(testbed.createdAt),
  };
}

/** A GraphQL Run as the repository's StoredRun. */
export function toStoredRun(run: RemoteRun): StoredRun {
  return {
    id: run.id,
    workloadId: run.workloadId,
    params: run.params,
    paramsKey: run.paramsKey,
    modes: run.modes,
    threads: run.threads,
    repetitions: run.repetitions,
    warmups: run.warmups,
    scaling: scalingValues.fromGraphQL(run.scaling),
    taskTimeoutMs: run.taskTimeoutMs,
    maxHeapMb: run.maxHeapMb,
    runtime: run.runtime,
    status: runStatusValues.fromGraphQL(run.status),
    error: run.error,
    source: runSourceValues.fromGraphQL(run.source),
    harness: run.harness,
    project: run.project,
    workloadHash: run.workloadHash,
    workloadModule: run.workloadModule,
    commitSha: run.commitSha,
    commitMessage: run.commitMessage,
    branch: run.branch,
    labels: run.labels,
    idempotencyKey: run.idempotencyKey,
    seeded: run.seeded,
    environment: run.environment,
    testbed: run.testbed ? toStoredTestbed(run.testbed) : null,
    createdAt: date(run.createdAt),
    startedAt: optionalDate(run.startedAt),
    finishedAt: optionalDate(run.finishedAt),
    updatedAt: date(run.updatedAt),
    priority: run.priority,
    requestedBy: run.requestedBy,
    claimedBy: run.claimedBy,
    heartbeatAt: optionalDate(run.heartbeatAt),
    cancelRequestedAt: optionalDate(run.cancelRequestedAt),
    targetAgentId: run.target.agent?.id ?? null,
    targetLabels: run.target.labels,
    agentId: run.agent?.id ?? null,
  };
}

function toSummary(summary: RemoteSummary | null, count: number): Summary | null {
  if (!summary) return null;
  return {
    count,
    min: summary.min,
    max: summary.max,
    median: summary.median,
    mean: summary.mean,
    stddev: summary.stddev,
    cv: summary.cv,
  };
}

function toStoredMeasurement(measurement: RemoteMeasurement): StoredMeasurement {
  return {
    id: measurement.id,
    runId: measurement.runId,
    seriesKey: measurement.seriesKey,
    recordedAt: date(measurement.recordedAt),
    mode: measurement.mode,
    threads: measurement.threads,
    tasks: measurement.tasks,
    status: cellStatusValues.fromGraphQL(measurement.status),
    error: measurement.error,
    sampleCount: measurement.sampleCount,
    wall: toSummary(measurement.wall, measurement.sampleCount),
    cpu: toSummary(measurement.cpu, measurement.sampleCount),
    setupMs: measurement.setupMs,
    taskOverheadMs: measurement.taskOverheadMs,
    speedup: measurement.speedup,
    efficiency: measurement.efficiency,
    checksum: measurement.checksum,
    expectedChecksum: measurement.expectedChecksum,
    checksumStatus: checksumStatusValues.fromGraphQL(measurement.checksumStatus),
    sharedMemory: measurement.sharedMemory,
    samples: (measurement.samples ?? []).map((sample) => ({
      index: sample.index,
      wallMs: sample.wallMs,
      cpuMs: sample.cpuMs,
      taskDurationsMs: sample.taskDurationsMs,
      checksum: sample.checksum,
      sharedMemory: sample.sharedMemory,
    })),
  };
}

function toStoredRunDetail(run: RemoteRunDetail): StoredRunDetail {
  return { ...toStoredRun(run), measurements: run.measurements.map(toStoredMeasurement) };
}

/** A GraphQL Regression as the regression store's StoredRegression. */
export function toStoredRegression(regression: RemoteRegression): StoredRegression {
  return {
    id: regression.id,
    seriesKey: regression.seriesKey,
    runId: regression.runId,
    kind: regressionKindValues.fromGraphQL(regression.kind),
    metric: regressionMetricValues.fromGraphQL(regression.metric),
    size: regression.size,
    interval:
      regression.sizeLow === null || regression.sizeHigh === null
        ? null
        : { lower: regression.sizeLow, upper: regression.sizeHigh },
    beforeValue: regression.beforeValue,
    afterValue: regression.afterValue,
    confidence: regression.confidence,
    status: regressionStatusValues.fromGraphQL(regression.status),
    statusChangedBy: regression.statusChangedBy,
    statusChangedAt: optionalDate(regression.statusChangedAt),
    note: regression.note,
    createdAt: date(regression.createdAt),
    updatedAt: date(regression.updatedAt),
    series:
      regression.series && regression.workloadId !== null
        ? {
            seriesKey: regression.series.key,
            workloadId: regression.workloadId,
            // The API parses the stored canonical text; printing it again gives it back.
            paramsKey: JSON.stringify(regression.params),
            mode: regression.mode ?? "",
            threads: regression.threads ?? 0,
            scaling: regression.scaling === null ? "" : scalingValues.fromGraphQL(regression.scaling),
            testbedId: regression.testbedId,
            branch: regression.branch ?? "",
          }
        : null,
  };
}

function toGraphQLRunFilter(filter: RunFilter): Record<string, unknown> {
  const statuses = filter.status === undefined ? undefined : [filter.status].flat();
  return {
    ...(filter.workloadId !== undefined ? { workload: filter.workloadId } : {}),
    ...(statuses !== undefined ? { status: statuses.map(runStatusValues.toGraphQL) } : {}),
    ...(filter.mode !== undefined ? { mode: filter.mode } : {}),
    ...(filter.threads !== undefined ? { threads: filter.threads } : {}),
    ...(filter.branch !== undefined ? { branch: filter.branch } : {}),
    ...(filter.commitSha !== undefined ? { commitSha: filter.commitSha } : {}),
    ...(filter.testbedId !== undefined ? { testbedId: filter.testbedId } : {}),
    ...(filter.label !== undefined ? { label: filter.label } : {}),
    ...(filter.source !== undefined ? { source: runSourceValues.toGraphQL(filter.source) } : {}),
    ...(filter.project !== undefined ? { project: filter.project } : {}),
    ...(filter.harness !== undefined ? { harness: filter.harness } : {}),
    ...(filter.seeded !== undefined ? { seeded: filter.seeded } : {}),
    ...(filter.from !== undefined ? { createdFrom: filter.from.toISOString() } : {}),
    ...(filter.to !== undefined ? { createdTo: filter.to.toISOString() } : {}),
  };
}

/**
 * The check's JSON report with its dates as Dates again: every `...At` key holding an
 * ISO 8601 text (createdAt, recordedAt, statusChangedAt, ...). Printing a revived value
 * gives the same text back, so `--json` output is unchanged by the round trip.
 */
export function reviveDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveDates);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key.endsWith("At") && typeof item === "string" && isoDate.test(item)
        ? new Date(item)
        : reviveDates(item),
    ]),
  );
}
const isoDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// ---- errors ----

/** What the API answered instead of data, as a one-line CLI error. */
export class RemoteApiError extends ThreadbenchError {
  readonly code: ErrorCode;
  /** The API's own `extensions.code`. */
  readonly apiCode: string;
  constructor(apiCode: string, message: string) {
    super(message);
    this.name = "RemoteApiError";
    this.apiCode = apiCode;
    this.code =
      (["BAD_USER_INPUT", "NOT_FOUND", "CONFLICT"] as const).find((code) => code === apiCode) ??
      "CONFIGURATION";
  }
}

interface GraphQLErrorShape {
  message?: string;
  extensions?: { code?: unknown; issues?: unknown };
}

export interface RemoteStoreOptions {
  /** The GraphQL endpoint. */
  url: string;
  /** Which flag or variable named the server (for error messages). */
  source: string;
  /** Sent as `Authorization: Bearer`; null: none (reads on an open server). */
  token: string | null;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** Default two minutes. */
  timeoutMs?: number;
  /** Runs or regressions per request (default the API's largest page, 200). */
  pageSize?: number;
}

/** The CLI store over a threadbench API (see the file comment). */
export class RemoteStore implements CliStore {
  readonly #options: RemoteStoreOptions;

  constructor(options: RemoteStoreOptions) {
    this.#options = options;
  }

  async listRuns(filter: RunFilter, page: { limit: number; cursor: string | null }): Promise<RunPage> {
    const runs: StoredRun[] = [];
    let after = page.cursor;
    let hasNextPage = true;
    // Pages of at most the API's page size until `limit` runs: the last page ends exactly
    // at the limit, so its end cursor is the CLI's next cursor (the same keyset cursor).
    while (runs.length < page.limit && hasNextPage) {
      const data = await this.#request<{ runs: Connection<RemoteRun> }>(runsQuery, {
        filter: toGraphQLRunFilter(filter),
        first: Math.min(this.#options.pageSize ?? apiPageSize, page.limit - runs.length),
        after,
      });
      runs.push(...data.runs.nodes.map(toStoredRun));
      hasNextPage = data.runs.pageInfo.hasNextPage;
      after = data.runs.pageInfo.endCursor;
    }
    return { runs, nextCursor: hasNextPage ? after : null };
  }

  async runDetail(id: string, options: { samples: boolean }): Promise<StoredRunDetail> {
    const data = await this.#request<{ run: RemoteRunDetail | null }>(runDetailQuery, {
      id,
      samples: options.samples,
    });
    if (!data.run) throw new NotFoundError("run", id);
    return toStoredRunDetail(data.run);
  }

  async compareRuns(baseRunId: string, headRunId: string): Promise<RunComparison> {
    const data = await this.#request<{ base: RemoteRunDetail | null; head: RemoteRunDetail | null }>(
      twoRunsQuery,
      { base: baseRunId, head: headRunId, samples: true },
    );
    if (!data.base) throw new NotFoundError("run", baseRunId);
    if (!data.head) throw new NotFoundError("run", headRunId);
    // Pure and seeded: the same samples give the same comparison here as on the server.
    return compareRunDetails(toStoredRunDetail(data.base), toStoredRunDetail(data.head));
  }

  async listRegressions(filter: RegressionFilter, options: { limit: number }): Promise<StoredRegression[]> {
    const statuses = filter.status === undefined ? undefined : [filter.status].flat();
    const graphqlFilter = {
      ...(statuses !== undefined ? { status: statuses.map(regressionStatusValues.toGraphQL) } : {}),
      ...(filter.kind !== undefined ? { kind: regressionKindValues.toGraphQL(filter.kind) } : {}),
      ...(filter.metric !== undefined ? { metric: regressionMetricValues.toGraphQL(filter.metric) } : {}),
      ...(filter.seriesKey !== undefined ? { seriesKey: filter.seriesKey } : {}),
      ...(filter.runId !== undefined ? { runId: filter.runId } : {}),
    };
    const regressions: StoredRegression[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (regressions.length < options.limit && hasNextPage) {
      const data: { regressions: Connection<RemoteRegression> } = await this.#request(regressionsQuery, {
        filter: graphqlFilter,
        first: Math.min(this.#options.pageSize ?? apiPageSize, options.limit - regressions.length),
        after,
      });
      regressions.push(...data.regressions.nodes.map(toStoredRegression));
      hasNextPage = data.regressions.pageInfo.hasNextPage;
      after = data.regressions.pageInfo.endCursor;
    }
    return regressions;
  }

  async ingest(payload: unknown): Promise<IngestOutcome> {
    const data = await this.#request<{
      ingestRun: { created: boolean; run: RemoteRun; regressions: RemoteRegression[] };
    }>(ingestMutation, { input: payload });
    const { created, run, regressions } = data.ingestRun;
    return {
      run: toStoredRun(run),
      created,
      // The server checked the run against its history (and sent its webhooks) itself.
      // Scaling checks are not part of its answer: they are printed by a local ingest only.
      changes: created ? { stored: regressions.map(toStoredRegression) } : null,
    };
  }

  async ingestHarness(request: HarnessIngestRequest): Promise<HarnessIngestOutcome> {
    if ("files" in request.input) {
      throw new CliUsageError(
        "a directory (Criterion's target/criterion) is read into a database only; with --server, ingest the output of cargo bench instead",
      );
    }
    const { machine, ...options } = request.options;
    const data = await this.#request<{
      ingestRun: {
        adapter: AdapterName;
        detected: boolean;
        runs: Array<{ created: boolean; run: RemoteRun }>;
        regressions: RemoteRegression[];
      };
    }>(ingestHarnessMutation, {
      input: request.input.text,
      adapter: request.adapter ?? "auto",
      options: {
        ...options,
        ...(options.scaling ? { scaling: scalingValues.toGraphQL(options.scaling) } : {}),
        ...(machine ? { testbed: machine } : {}),
        ...(request.git ? { checkout: request.git } : {}),
      },
    });
    const { adapter, detected, runs, regressions } = data.ingestRun;
    const stored = regressions.map(toStoredRegression);
    return {
      adapter,
      detected,
      // The server checked every new run against its history itself; its answer lists the
      // regressions of them all, shown once with the first run stored now.
      runs: runs.map(({ created, run }, index) => ({
        run: toStoredRun(run),
        created,
        label: ingestedRunLabel(adapter, run.workloadId, run.params),
        changes: created && index === runs.findIndex((candidate) => candidate.created) ? { stored } : null,
      })),
      // One request: the server stores the whole file or answers with an error.
      total: runs.length,
    };
  }

  async recordRun(result: RunResult, options: RecordRunOptions): Promise<IngestOutcome> {
    // The module's absolute path on this machine means nothing to the server.
    const { workloadModule, ...plan } = result.plan;
    const data = await this.#request<{
      recordRun: { created: boolean; run: RemoteRun; regressions: RemoteRegression[] };
    }>(recordRunMutation, {
      result: {
        ...result,
        plan: workloadModule
          ? {
              ...plan,
              workloadModule: { relativePath: workloadModule.relativePath, hash: workloadModule.hash },
            }
          : plan,
      },
      commitSha: options.commitSha,
      commitMessage: options.commitMessage ?? null,
      branch: options.branch,
      labels: options.labels,
      project: options.project ?? null,
      idempotencyKey: options.idempotencyKey,
    });
    const { created, run, regressions } = data.recordRun;
    return {
      run: toStoredRun(run),
      created,
      changes: created ? { stored: regressions.map(toStoredRegression) } : null,
    };
  }

  async checkBranch(options: CheckBranchOptions): Promise<BranchCheck> {
    const minEffect = options.compare?.minEffect;
    const data = await this.#request<{ check: { report: unknown } }>(checkQuery, {
      input: {
        base: options.base,
        branch: options.branch,
        ...(options.workloadId !== undefined ? { workload: options.workloadId } : {}),
        ...(options.headRunId !== undefined ? { runId: options.headRunId } : {}),
        ...(minEffect !== undefined ? { minEffectPercent: Math.round(minEffect * 100) } : {}),
        ...(options.gate !== undefined ? { gate: options.gate } : {}),
      },
    });
    return reviveDates(data.check.report) as BranchCheck;
  }

  async close(): Promise<void> {
    // Nothing held open: every request is its own fetch.
  }

  /** One operation; every failure becomes a one-line ThreadbenchError naming the server's flag. */
  async #request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const { url, source, token, signal } = this.#options;
    const timeoutMs = this.#options.timeoutMs ?? requestTimeoutMs;
    const where = `the threadbench API at ${url} (${source})`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      if (signal.aborted) throw new ConfigurationError(`stopped before ${where} answered`);
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new ConfigurationError(`${where} did not answer within ${timeoutMs / 1000} s`);
      }
      throw new ConfigurationError(`cannot reach ${where}: ${networkCause(error)}`);
    }
    let body: { data?: T | null; errors?: GraphQLErrorShape[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      throw new ConfigurationError(
        `${where} did not answer as a threadbench API (HTTP ${response.status}, not a GraphQL response): check the URL`,
      );
    }
    if (body.errors && body.errors.length > 0) throw this.#apiError(body.errors[0] as GraphQLErrorShape);
    if (!body.data) throw new ConfigurationError(`${where} answered HTTP ${response.status} without data`);
    return body.data;
  }

  #apiError(error: GraphQLErrorShape): ThreadbenchError {
    const code = typeof error.extensions?.code === "string" ? error.extensions.code : "";
    const message = error.message ?? "the API answered with an error without a message";
    const tokenHint = this.#options.token
      ? "the CLI sends THREADBENCH_TOKEN"
      : "set THREADBENCH_TOKEN to the token the CLI should send";
    switch (code) {
      case "UNAUTHENTICATED":
        return new UnauthenticatedError(`${message} (${tokenHint})`);
      case "FORBIDDEN":
        return new ForbiddenError(`${message} (${tokenHint})`);
      case "BAD_USER_INPUT": {
        const issues = Array.isArray(error.extensions?.issues)
          ? (error.extensions.issues as Array<{ path: string; message: string }>)
          : [];
        return new UserInputError(issues, message);
      }
      case "PAYLOAD_TOO_LARGE":
        return new RemoteApiError(code, `${message} (the server's THREADBENCH_MAX_BODY_BYTES)`);
      case "GRAPHQL_VALIDATION_FAILED":
        return new RemoteApiError(
          code,
          `the threadbench API at ${this.#options.url} does not understand this CLI's request (${message}): the server runs another threadbench version`,
        );
      default:
        return new RemoteApiError(code, message);
    }
  }
}

/** "ECONNREFUSED", "ENOTFOUND", ...: what fetch's cause says went wrong on the way. */
function networkCause(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
