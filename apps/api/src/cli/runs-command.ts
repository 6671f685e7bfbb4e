import { type RunStatus, runStatuses } from "@threadbench/core";
import { decodeRunCursor, type RunFilter } from "../db/run-list.js";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags, parseInteger, parseList } from "./command.js";
import { table } from "./format.js";

export const runsCommand: CliCommand = {
  name: "runs",
  summary: "List stored runs, newest first, with filters",
  help: `
Usage: threadbench runs [filters] [--limit N] [--cursor C] [--json]

Lists stored runs, newest first.

Filters:
  --workload ID        Only this workload (or ingested benchmark name, or module:<path>)
  --project NAME       Only runs of this project (e.g. acme/imaging; built-in runs: default)
  --status S[,S...]    ${runStatuses.join(", ")}
  --branch NAME        Only runs of this branch
  --commit SHA         A full commit SHA or a prefix of at least 4 characters
  --mode MODE          Only runs with a measurement of this mode
  --threads N          Only runs with a measurement at N threads
  --label LABEL        Only runs carrying this label (e.g. seeded)
  --seeded | --real    Only seeded (synthetic) runs / only real runs

Flags:
  --limit N    Runs per page (default 20, at most 500)
  --cursor C   Continue after a previous page (printed at the end of a full page)
  --json       Print {runs, nextCursor} as JSON
${serverHelp}
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      workload: { type: "string" },
      project: { type: "string" },
      status: { type: "string" },
      branch: { type: "string" },
      commit: { type: "string" },
      mode: { type: "string" },
      threads: { type: "string" },
      label: { type: "string" },
      seeded: { type: "boolean" },
      real: { type: "boolean" },
      limit: { type: "string" },
      cursor: { type: "string" },
      json: { type: "boolean" },
      ...serverFlag,
    });
    if (values.seeded && values.real) throw new CliUsageError("--seeded and --real exclude each other");
    if (values.commit !== undefined && !/^[0-9a-f]{4,64}$/i.test(values.commit)) {
      throw new CliUsageError(
        `--commit: "${values.commit}" is not allowed (allowed: 4 to 64 hexadecimal digits)`,
      );
    }
    const filter: RunFilter = {};
    if (values.workload) filter.workloadId = values.workload;
    if (values.project) filter.project = values.project;
    if (values.status) filter.status = parseList<RunStatus>("status", values.status, runStatuses);
    if (values.branch) filter.branch = values.branch;
    if (values.commit) filter.commitSha = values.commit.toLowerCase();
    if (values.mode) filter.mode = values.mode;
    if (values.threads) filter.threads = parseInteger("threads", values.threads, 1, 4096);
    if (values.label) filter.label = values.label;
    if (values.seeded) filter.seeded = true;
    if (values.real) filter.seeded = false;
    const limit = values.limit === undefined ? 20 : parseInteger("limit", values.limit, 1, 500);
    if (values.cursor !== undefined) checkCursorFlag(values.cursor);

    const store = await openCliStore(io, values.server);
    try {
      const page = await store.listRuns(filter, { limit, cursor: values.cursor ?? null });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        return 0;
      }
      if (page.runs.length === 0) {
        io.stdout.write("no runs match\n");
        return 0;
      }
      const rows = [
        ["ID", "CREATED (UTC)", "STATUS", "PROJECT", "WORKLOAD", "BRANCH", "COMMIT", "TESTBED", "LABELS"],
        ...page.runs.map((run) => [
          run.id,
          run.createdAt.toISOString().slice(0, 19).replace("T", " "),
          run.status,
          run.project,
          run.workloadId,
          run.branch ?? "-",
          run.commitSha?.slice(0, 8) ?? "-",
          run.testbed ? `${run.testbed.hostname} ${run.testbed.runtime} ${run.testbed.runtimeVersion}` : "-",
          run.labels.join(",") || "-",
        ]),
      ];
      io.stdout.write(`${table(rows)}\n`);
      if (page.nextCursor) io.stdout.write(`\nmore: threadbench runs ... --cursor ${page.nextCursor}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** `--cursor`: a bad one is a bad flag (exit 2), not the API's `after` argument. */
function checkCursorFlag(cursor: string): void {
  try {
    decodeRunCursor(cursor);
  } catch {
    throw new CliUsageError(
      `--cursor: "${cursor}" is not allowed (allowed: the cursor printed after "more:" at the end of a previous page of the same filters)`,
    );
  }
}
