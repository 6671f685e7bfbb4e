import {
  type RegressionKind,
  type RegressionMetric,
  type RegressionStatus,
  regressionKinds,
  regressionMetrics,
  regressionStatuses,
} from "@threadbench/core";
import {
  acknowledgeRegression,
  markFalseAlarm,
  markFixed,
  type RegressionFilter,
  reopenRegression,
  type StatusChange,
  type StoredRegression,
} from "../db/regression-repository.js";
import { startDatabase } from "../db/startup.js";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import {
  type CliCommand,
  type CliIo,
  CliUsageError,
  parseFlags,
  parseInteger,
  parseList,
} from "./command.js";
import { describeSeries, formatStoredChange } from "./comparison-format.js";
import { table } from "./format.js";

/** --metric: the stored name, or the words people type (serial-fraction, wall-time). */
function parseMetric(raw: string): RegressionMetric {
  const metric = raw.trim().toLowerCase().replaceAll("-", "_");
  if ((regressionMetrics as readonly string[]).includes(metric)) return metric as RegressionMetric;
  throw new CliUsageError(`--metric: "${raw}" is not a metric; allowed: ${regressionMetrics.join(", ")}`);
}

export const regressionsCommand: CliCommand = {
  name: "regressions",
  summary: "List detected regressions and improvements, newest first",
  help: `
Usage: threadbench regressions [--status S[,S...]] [--kind K] [--metric M] [--limit N] [--json]

Lists the step changes found in series histories when runs were stored: the series,
what changed (wall time; or efficiency and serial fraction of a parallel mode at its
highest thread count), the run that introduced the change, its size with a 95%
interval, the confidence and the status (${regressionStatuses.join(", ")}).

Flags:
  --status LIST   Only these statuses (default: all), e.g. --status open
  --kind K        ${regressionKinds.join(" or ")}
  --metric M      Only changes of ${regressionMetrics.join(", ")} (efficiency and
                  serial-fraction: a parallel mode that stopped scaling)
  --limit N       At most N (default 50, at most 1000)
  --json          Print the list as JSON
${serverHelp}
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      status: { type: "string" },
      kind: { type: "string" },
      metric: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      ...serverFlag,
    });
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    const filter: RegressionFilter = {};
    if (values.status)
      filter.status = parseList<RegressionStatus>("status", values.status, regressionStatuses);
    if (values.kind) filter.kind = parseList<RegressionKind>("kind", values.kind, regressionKinds)[0];
    if (values.metric) filter.metric = parseMetric(values.metric);
    const limit = values.limit === undefined ? 50 : parseInteger("limit", values.limit, 1, 1000);
    const store = await openCliStore(io, values.server);
    try {
      const regressions = await store.listRegressions(filter, { limit });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(regressions, null, 2)}\n`);
        return 0;
      }
      if (regressions.length === 0) {
        io.stdout.write("no regressions match\n");
        return 0;
      }
      const rows = [
        [
          "ID",
          "FOUND (UTC)",
          "KIND",
          "STATUS",
          "METRIC",
          "CHANGE (95% INTERVAL)",
          "CONFIDENCE",
          "SERIES",
          "RUN",
        ],
        ...regressions.map((regression) => [
          regression.id,
          regression.createdAt.toISOString().slice(0, 16).replace("T", " "),
          regression.kind,
          regression.status,
          regression.metric.replace("_", " "),
          formatStoredChange(regression),
          `${(regression.confidence * 100).toFixed(1)}%`,
          describeSeries(regression),
          regression.runId,
        ]),
      ];
      io.stdout.write(`${table(rows, new Set([6]))}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const actions = {
  ack: acknowledgeRegression,
  "false-alarm": markFalseAlarm,
  fixed: markFixed,
  reopen: reopenRegression,
} as const satisfies Record<string, (...args: never[]) => Promise<StoredRegression>>;
type Action = keyof typeof actions;
const actionNames = Object.keys(actions) as Action[];

/** Who changes a status from the command line: --by, else the login name. */
function whoIsAsking(io: CliIo, by: string | undefined): string {
  return by?.trim() || io.env.USER || io.env.LOGNAME || io.env.USERNAME || "cli";
}

export const regressionCommand: CliCommand = {
  name: "regression",
  summary: "Acknowledge a regression, mark it a false alarm or fixed, or reopen it",
  help: `
Usage: threadbench regression ${actionNames.join("|")} ID [--note TEXT] [--by NAME] [--json]

Changes the status of a stored regression (see \`threadbench regressions\`) and
records who did it, when, and why:
  ack           acknowledged: someone owns it
  false-alarm   not a real change (noise, a machine hiccup)
  fixed         fixed (say by which commit in the note)
  reopen        back to open

Flags:
  --note TEXT   Why (replaces the previous note)
  --by NAME     Who (default: $USER)
  --json        Print the updated regression as JSON
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { note: { type: "string" }, by: { type: "string" }, json: { type: "boolean" } },
      true,
    );
    const [action, id, ...extra] = positionals;
    if (!action || !actionNames.includes(action as Action)) {
      throw new CliUsageError(
        `expected an action first (allowed: ${actionNames.join(", ")})${action ? `, got "${action}"` : ""}`,
      );
    }
    if (!id) throw new CliUsageError("expected a regression ID (see `threadbench regressions`)");
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    const change: StatusChange = { by: whoIsAsking(io, values.by), note: values.note ?? null };
    const { database } = await startDatabase(io.env.DATABASE_URL);
    try {
      const updated = await actions[action as Action](database, id, change);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(updated, null, 2)}\n`);
      } else {
        io.stdout.write(
          `regression ${updated.id} (${describeSeries(updated)}, ${formatStoredChange(updated)}) is now ${updated.status}, by ${updated.statusChangedBy}${updated.note ? `: ${updated.note}` : ""}\n`,
        );
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};
