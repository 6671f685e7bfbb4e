import type { AdapterName } from "@threadbench/adapters";
import type { RunResult } from "@threadbench/core";
import type { RegressionFilter, StoredRegression } from "../db/regression-repository.js";
import type { RunFilter, RunPage } from "../db/run-list.js";
import type { StoredRun, StoredRunDetail } from "../db/run-rows.js";
import type { HarnessIngestRequest } from "../ingest/prepare-runs.js";
import type { BranchCheck, CheckBranchOptions } from "../regressions/check-branch.js";
import type { CheckRunResult } from "../regressions/check-run.js";
import type { RunComparison } from "../regressions/compare-runs.js";
import { type CliIo, CliUsageError } from "./command.js";

/** What storing a run found when it was checked against its history. */
export type StoredChanges = Pick<CheckRunResult, "stored">;

/** What `ingest` (and `run --server`) get back from storing a run. */
export interface IngestOutcome {
  run: StoredRun;
  /** False when the idempotency key was already used: nothing was stored. */
  created: boolean;
  /** The check after storing; null when nothing new was stored or the check failed. */
  changes: StoredChanges | null;
}

/** What storing a harness's file did: the adapter, and one outcome per benchmark. */
export interface HarnessIngestOutcome {
  adapter: AdapterName;
  /** True when the adapter was detected rather than named. */
  detected: boolean;
  runs: Array<IngestOutcome & { label: string }>;
  /** Runs the input holds; more than `runs` when Ctrl-C stopped a local ingest. */
  total: number;
}

/** Where a run executed here belongs. */
export interface RecordRunOptions {
  commitSha: string | null;
  /** The first line of the commit's message, when known. */
  commitMessage?: string | null;
  branch: string | null;
  labels: string[];
  project?: string | undefined;
  /** The same key never stores a second run. */
  idempotencyKey: string;
}

/**
 * The data the CLI's reading and storing commands need, behind one interface with two
 * implementations: the local database (DATABASE_URL; local-store.ts, the repositories
 * themselves) and a threadbench API (`--server`; remote-store.ts, its GraphQL). Both
 * return the same shapes, so a command prints the same whichever it talks to.
 */
export interface CliStore {
  /** Runs, filtered, newest first, one page at a time. */
  listRuns(filter: RunFilter, page: { limit: number; cursor: string | null }): Promise<RunPage>;
  /** One run with its cells (and samples when asked); NOT_FOUND when missing. */
  runDetail(id: string, options: { samples: boolean }): Promise<StoredRunDetail>;
  /** Two runs compared cell by cell (regressions/compare-runs). */
  compareRuns(baseRunId: string, headRunId: string): Promise<RunComparison>;
  /** Stored regressions and improvements, newest first. */
  listRegressions(filter: RegressionFilter, options: { limit: number }): Promise<StoredRegression[]>;
  /** Stores a run in the ingest format v1 and checks it against its history. */
  ingest(payload: unknown): Promise<IngestOutcome>;
  /**
   * Stores every benchmark of a harness's file (or a v1 document) through its adapter,
   * each checked against its history: `threadbench ingest` (ingest/ingest-harness-file.ts).
   */
  ingestHarness(request: HarnessIngestRequest): Promise<HarnessIngestOutcome>;
  /**
   * Stores a run executed here (`threadbench run --server`) as the runner produced it, and
   * checks it against its history.
   */
  recordRun(result: RunResult, options: RecordRunOptions): Promise<IngestOutcome>;
  /** What `threadbench check` decides (regressions/check-branch). */
  checkBranch(options: CheckBranchOptions): Promise<BranchCheck>;
  close(): Promise<void>;
}

/** The `--server` flag, for each command's parseFlags. */
export const serverFlag = { server: { type: "string" } } as const;

/** The lines every command's --help gets for `--server`. */
export const serverHelp = `  --server URL     Work through the threadbench API at URL (its base URL or /graphql)
                   instead of a database; default THREADBENCH_SERVER_URL. The token
                   sent is THREADBENCH_TOKEN. Without either, DATABASE_URL is used.`;

/** Where a command's data lives: a server (and which flag or variable named it), or the database. */
export type StoreTarget =
  | { kind: "server"; url: string; source: "--server" | "THREADBENCH_SERVER_URL"; token: string | null }
  | { kind: "database"; url: string | undefined };

/**
 * A server URL as given (`https://bench.example.com`, `http://host:4000/graphql`) as the
 * GraphQL endpoint; a CliUsageError naming `source` when it is not an http(s) URL.
 */
export function graphqlEndpoint(raw: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    throw new CliUsageError(
      `${source}: "${raw}" is not allowed (allowed: the http:// or https:// URL of a threadbench API, e.g. https://threadbench.example.com or http://127.0.0.1:4000/graphql)`,
    );
  }
  if (!url.pathname.endsWith("/graphql")) url.pathname = `${url.pathname.replace(/\/+$/, "")}/graphql`;
  return url.href;
}

/**
 * `--server` first, then THREADBENCH_SERVER_URL, then the database of DATABASE_URL
 * (unset: the default SQLite file).
 */
export function storeTarget(io: Pick<CliIo, "env">, server: string | undefined): StoreTarget {
  const token = io.env.THREADBENCH_TOKEN?.trim() || null;
  if (server !== undefined)
    return { kind: "server", url: graphqlEndpoint(server, "--server"), source: "--server", token };
  const configured = io.env.THREADBENCH_SERVER_URL?.trim();
  if (configured) {
    return {
      kind: "server",
      url: graphqlEndpoint(configured, "THREADBENCH_SERVER_URL"),
      source: "THREADBENCH_SERVER_URL",
      token,
    };
  }
  return { kind: "database", url: io.env.DATABASE_URL };
}

/**
 * Opens the store a command should use (see storeTarget). Each implementation is loaded
 * only when chosen: talking to a server loads neither Prisma nor its query compiler.
 */
export async function openCliStore(io: CliIo, server: string | undefined): Promise<CliStore> {
  const target = storeTarget(io, server);
  switch (target.kind) {
    case "server": {
      const { RemoteStore } = await import("./remote-store.js");
      return new RemoteStore({ ...target, signal: io.signal });
    }
    case "database": {
      const { openLocalStore } = await import("./local-store.js");
      return openLocalStore(target.url, io);
    }
    default: {
      const unreachable: never = target;
      throw new Error(`unknown store ${String(unreachable)}`);
    }
  }
}
