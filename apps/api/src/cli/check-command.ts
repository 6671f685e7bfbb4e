import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { formatDuration } from "@threadbench/core";
import { thresholdModels } from "../analysis/thresholds.js";
import { gitInfo } from "../db/git-info.js";
import type { BranchCheck, CheckReason, GateCell } from "../regressions/check-branch.js";
import {
  type GateOptions,
  gateStatistics,
  isProbabilityModel,
  parseGateOptions,
} from "../regressions/gate-options.js";
import { formatAbCheck, runAbCheck } from "./ab-check.js";
import { dashboardBase, formatCheckMarkdown } from "./check-markdown.js";
import { type CliStore, openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags, parseInteger, parseList } from "./command.js";
import { formatChange } from "./comparison-format.js";
import { table } from "./format.js";

/** A gate cell's value in its metric's unit. */
function gateValue(cell: GateCell, value: number): string {
  switch (cell.metric) {
    case "wall_time":
      return formatDuration(value);
    case "efficiency":
      return `${(value * 100).toFixed(1)}%`;
    case "serial_fraction":
      return value.toFixed(3);
    default: {
      const unreachable: never = cell.metric;
      return String(unreachable);
    }
  }
}

/** A change in the metric's terms: relative for wall time and efficiency, absolute for the serial fraction. */
function gateChange(cell: GateCell, change: number): string {
  return cell.metric === "serial_fraction"
    ? `${change >= 0 ? "+" : ""}${change.toFixed(3)}`
    : formatChange(change);
}

function thresholdText(cell: GateCell): string {
  const { model, boundary, minEffect } = cell.threshold;
  const effect =
    cell.metric === "serial_fraction" ? minEffect.toFixed(3) : `${(minEffect * 100).toFixed(0)}%`;
  return `${model} ${boundary}, min ${effect}`;
}

function cellName(cell: GateCell): string {
  switch (cell.metric) {
    case "wall_time":
      return `${cell.mode} x${cell.threads}`;
    case "efficiency":
      return `${cell.mode} efficiency at ${cell.threads} threads`;
    case "serial_fraction":
      return `${cell.mode} serial fraction`;
    default: {
      const unreachable: never = cell.metric;
      return String(unreachable);
    }
  }
}

function gateLine(cell: GateCell): string {
  const outcome = cell.outcome;
  if (!outcome)
    return `${cellName(cell)}: ${cell.baseRuns} base runs, too few for the ${cell.threshold.model} model`;
  return `${cellName(cell)}: ${gateValue(cell, outcome.center)} -> ${gateValue(cell, outcome.head)} (${gateChange(cell, outcome.change)}; fails beyond ${gateChange(cell, outcome.detectableChange)} over ${outcome.count} base runs, ${thresholdText(cell)})`;
}

function reasonText(reason: CheckReason): string {
  switch (reason.kind) {
    case "slower-cell":
      return `${gateLine(reason.gate)}`;
    case "scaling":
      return `${reason.mode} scales worse: ${reason.gate
        .filter((cell) => cell.verdict === "slower")
        .map(gateLine)
        .join("; ")}`;
    default: {
      const unreachable: never = reason;
      return String(unreachable);
    }
  }
}

function verdictText(cell: GateCell): string {
  switch (cell.verdict) {
    case "insufficient-history":
      return "not judged (too few runs)";
    case "unconfirmed":
      return "slower, alone (not failing)";
    case "pass":
    case "slower":
    case "faster":
      return cell.verdict;
    default: {
      const unreachable: never = cell.verdict;
      return String(unreachable);
    }
  }
}

/** A gate cell's columns, shared by the text table and the markdown one. */
function describeCell(cell: GateCell) {
  const outcome = cell.outcome;
  return {
    name: cellName(cell),
    base: outcome ? gateValue(cell, outcome.center) : "-",
    head: outcome ? gateValue(cell, outcome.head) : "-",
    change: outcome ? gateChange(cell, outcome.change) : "-",
    failsBeyond: outcome ? gateChange(cell, outcome.detectableChange) : "-",
    threshold: thresholdText(cell),
  };
}

/** The gate table: every cell and scaling metric against the base branch's runs. */
function formatGateTable(check: BranchCheck): string {
  const gate = check.gate;
  if (!gate) return "";
  const rows = [
    [
      "CELL",
      "BASE RUNS",
      `BASE (${gate.statistic})`,
      "HEAD",
      "CHANGE",
      "FAILS BEYOND",
      "THRESHOLD",
      "VERDICT",
    ],
    ...gate.cells.map((cell) => {
      const described = describeCell(cell);
      return [
        described.name,
        String(cell.baseRuns),
        described.base,
        described.head,
        described.change,
        described.failsBeyond,
        described.threshold,
        verdictText(cell),
      ];
    }),
  ];
  return table(rows, new Set([1, 2, 3, 4, 5]));
}

/** The gate options of the flags and the thresholds file (flags win). */
async function gateOptionsOf(
  values: {
    history?: string | undefined;
    statistic?: string | undefined;
    model?: string | undefined;
    boundary?: string | undefined;
    thresholds?: string | undefined;
    alone?: string | undefined;
  },
  minEffectPercent: number | undefined,
  cwd: string,
): Promise<GateOptions> {
  let options: GateOptions = {};
  if (values.thresholds !== undefined) {
    const path = values.thresholds;
    let text: string;
    try {
      text = await readFile(resolvePath(cwd, path), "utf8");
    } catch (error) {
      throw new CliUsageError(`--thresholds: cannot read ${path}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CliUsageError(`--thresholds: ${path} is not JSON: ${(error as Error).message}`);
    }
    try {
      options = parseGateOptions(raw);
    } catch (error) {
      const issues = (error as { issues?: Array<{ path: string; message: string }> }).issues ?? [];
      throw new CliUsageError(
        `--thresholds: ${path}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      );
    }
  }
  if (values.history !== undefined) options.history = parseInteger("history", values.history, 2, 500);
  if (values.statistic !== undefined)
    options.statistic = parseList("statistic", values.statistic, gateStatistics)[0];
  if (values.model !== undefined) options.model = parseList("model", values.model, thresholdModels)[0];
  if (values.boundary !== undefined) {
    const boundary = Number(values.boundary);
    const probability = isProbabilityModel(options.model ?? "mad");
    if (!Number.isFinite(boundary) || boundary <= 0 || (probability && !(boundary > 0.5 && boundary < 1))) {
      throw new CliUsageError(
        `--boundary: "${values.boundary}" is not allowed (allowed: ${probability ? "a probability above 0.5 and below 1 for the mad, t and z models, e.g. 0.995" : "a number > 0: the IQR multiplier (e.g. 3) or the percentage model's margin (e.g. 0.1)"})`,
      );
    }
    options.boundary = boundary;
  }
  if (values.alone !== undefined) {
    options.corroborate =
      parseList("alone", values.alone, ["unconfirmed", "fails"] as const)[0] === "unconfirmed";
  }
  if (minEffectPercent !== undefined) options.minEffect = minEffectPercent / 100;
  return options;
}

function describeRun(run: BranchCheck["head"]): string {
  return `run ${run.id} (${run.commitSha?.slice(0, 12) ?? "no commit"} on ${run.branch ?? "no branch"}, ${run.createdAt.toISOString()})`;
}

export const checkCommand: CliCommand = {
  name: "check",
  summary: "Exit 1 when the latest run on this branch regresses against the base branch's history (CI gate)",
  help: `
Usage: threadbench check --base BRANCH [--branch NAME] [--workload ID] [--run ID] [--format F]
                         [--history N] [--statistic min|median] [--model M] [--boundary B]
                         [--min-effect PCT] [--thresholds FILE]
       threadbench check --ab BASE_MODULE HEAD_MODULE [--param N=V] [--threads LIST]
                         [--modes LIST] [--repetitions N] [--min-effect PCT]

Judges the latest succeeded run on the current branch against the most recent runs of
the base branch (same workload, parameters, scaling, testbed and project): each cell's
per-run value (the fastest repetition by default) against the limit its series'
threshold puts on one new run, by default a Student-t prediction interval from the
median and MAD of the base runs at 0.995 and at least 2% slower; each parallel mode's
efficiency at its highest thread count and its Amdahl serial fraction against theirs.
A run with two or more cells fails when two of them are beyond their limits (a mode's
efficiency and serial fraction count with its top cell): a code change moves several
cells, a busy machine one far more often than two. The table shows, per series, the
smallest change beyond its limit. Two runs of the same code differ by more than
either's repetitions scatter, so one base run cannot tell a 10% slowdown from a busy
machine; a history of runs can.

With few base runs only large changes fail (the interval widens); with none, nothing
is judged. Then measure base and head together instead: --ab runs two workload
modules (e.g. a git worktree of the base next to your checkout) with their
repetitions alternating, so both see the same machine, and compares them pair by pair.

Flags:
  --base BRANCH    Branch to compare against (required without --ab), e.g. main
  --branch NAME    Branch to check (default: the checked-out git branch, or
                   GITHUB_HEAD_REF / GITHUB_REF_NAME / CI_COMMIT_REF_NAME)
  --workload ID    Only consider runs of this workload
  --run ID         Check this run instead of the branch's latest (no --branch needed)
  --history N      Most recent base runs to judge against, 2..500 (default 20)
  --statistic S    Per-run value of a cell: min (default: the least disturbed
                   repetition) or median
  --model M        Threshold of every series: mad (default: median and MAD), t (mean
                   and standard deviation, as Bencher's t_test), z, iqr or percentage
  --boundary B     mad, t, z: the one-sided probability the limit covers (default
                   0.995); iqr: the IQR multiplier (default 3); percentage: the margin
  --alone A        unconfirmed (default): one cell beyond its limit, alone in a run of
                   several, is reported, not failed; fails: any cell fails (Bencher)
  --min-effect PCT Smallest wall-time slowdown that fails, 1..100 percent (default 2)
  --thresholds FILE  JSON: { history?, statistic?, model?, boundary?, minEffect?,
                   corroborate?, rules?: [{ match: { workload?, mode?, threads?,
                   metric? }, model?, boundary?, minEffect? }] };
                   the first matching rule sets a series' threshold (metric:
                   wall_time, efficiency, serial_fraction)
  --ab             Interleaved A/B of two workload module files (see above)
  --param N=V, --threads LIST, --modes LIST, --repetitions N
                   With --ab: the plan of both sides (default threads 1,2, modes
                   sequential,worker-threads, 10 pairs)
  --format F       text (default), json ({regressed, reasons, head, base, comparison, gate}),
                   or markdown: a summary for a pull-request comment or the CI job
                   summary, linking to THREADBENCH_DASHBOARD_URL's branch view when set
  --json           The same as --format json
${serverHelp}

Exit status: 0 no regression (also when the base branch has no comparable run),
1 regression (or no succeeded run on the branch to check), 2 bad flags.
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        base: { type: "string" },
        branch: { type: "string" },
        workload: { type: "string" },
        run: { type: "string" },
        "min-effect": { type: "string" },
        json: { type: "boolean" },
        format: { type: "string" },
        history: { type: "string" },
        statistic: { type: "string" },
        model: { type: "string" },
        boundary: { type: "string" },
        thresholds: { type: "string" },
        alone: { type: "string" },
        ab: { type: "boolean" },
        param: { type: "string", short: "p", multiple: true },
        threads: { type: "string", short: "t" },
        modes: { type: "string", short: "m" },
        repetitions: { type: "string", short: "r" },
        ...serverFlag,
      },
      true,
    );
    const format = values.json
      ? "json"
      : (parseList("format", values.format ?? "text", ["text", "json", "markdown"] as const)[0] ?? "text");
    const minEffectPercent =
      values["min-effect"] === undefined
        ? undefined
        : parseInteger("min-effect", values["min-effect"], 1, 100);
    if (values.ab) {
      if (positionals.length !== 2) {
        throw new CliUsageError(
          `--ab takes two workload module files, BASE and HEAD (got ${positionals.length} argument${positionals.length === 1 ? "" : "s"})`,
        );
      }
      if (values.server)
        throw new CliUsageError("--ab measures on this machine: it cannot be combined with --server");
      const check = await runAbCheck(io, {
        baseModule: positionals[0] as string,
        headModule: positionals[1] as string,
        params: values.param ?? [],
        threads: values.threads ?? "1,2",
        modes: values.modes ?? "sequential,worker-threads",
        repetitions:
          values.repetitions === undefined ? 10 : parseInteger("repetitions", values.repetitions, 6, 1000),
        warmups: 1,
        minEffect: (minEffectPercent ?? 2) / 100,
      });
      io.stdout.write(format === "json" ? `${JSON.stringify(check, null, 2)}\n` : formatAbCheck(check));
      return check.regressed ? 1 : 0;
    }
    for (const flag of ["param", "threads", "modes", "repetitions"] as const) {
      if (values[flag] !== undefined) throw new CliUsageError(`--${flag} only applies with --ab`);
    }
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.base?.trim())
      throw new CliUsageError("--base is required (the branch to compare against, e.g. --base main)");
    // The gate's flags first: a bad --history or --model is the error to report, not a
    // branch that cannot be told.
    const gateOptions = await gateOptionsOf(values, minEffectPercent, io.cwd);
    const checkedOut = values.branch?.trim() || (await gitInfo(io.cwd, io.env)).branch;
    if (!checkedOut && !values.run)
      throw new CliUsageError(
        "cannot tell the current branch (no git checkout here): pass --branch NAME, or --run ID",
      );
    const store = await openCliStore(io, values.server);
    try {
      // --run names the head: outside a git checkout its own branch is the one checked.
      const branch = checkedOut || (await branchOfRun(store, values.run as string));
      const check = await store.checkBranch({
        base: values.base.trim(),
        branch,
        ...(values.workload ? { workloadId: values.workload } : {}),
        ...(values.run ? { headRunId: values.run } : {}),
        ...(minEffectPercent !== undefined ? { compare: { minEffect: minEffectPercent / 100 } } : {}),
        gate: gateOptions,
      });
      if (format === "json") {
        io.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
        return check.regressed ? 1 : 0;
      }
      if (format === "markdown") {
        io.stdout.write(
          formatCheckMarkdown(check, {
            base: values.base.trim(),
            branch,
            dashboardUrl: dashboardBase(io.env.THREADBENCH_DASHBOARD_URL),
            describeReason: reasonText,
            describeCell,
          }),
        );
        return check.regressed ? 1 : 0;
      }
      const lines = [`checking ${describeRun(check.head)}`];
      if (!check.base || !check.comparison) {
        lines.push(
          `no regression: no comparable succeeded run on ${values.base} (workload ${check.head.workloadId} ${check.head.paramsKey}, same testbed) to compare against`,
        );
        io.stdout.write(`${lines.join("\n")}\n`);
        return 0;
      }
      const gate = check.gate;
      lines.push(
        `against the ${gate?.baseRuns ?? 1} most recent runs on ${values.base} (latest: ${describeRun(check.base)})`,
      );
      lines.push(...check.comparison.warnings.map((warning) => `warning: ${warning}`));
      lines.push("", formatGateTable(check), "");
      if (gate?.fewRuns) {
        lines.push(
          `note: ${gate.baseRuns < 5 ? `only ${gate.baseRuns} base run${gate.baseRuns === 1 ? "" : "s"}: the gate catches only the large changes shown under FAILS BEYOND` : "some series have too few base runs to be judged"}. Store more runs on ${values.base}, or measure base and head together: threadbench check --ab BASE_MODULE HEAD_MODULE`,
          "",
        );
      }
      if (check.regressed) {
        lines.push(`REGRESSION against ${values.base}:`);
        lines.push(...check.reasons.map((reason) => `  - ${reasonText(reason)}`));
      } else {
        const cells = gate?.cells ?? [];
        const count = (verdict: GateCell["verdict"]) =>
          cells.filter((cell) => cell.verdict === verdict).length;
        lines.push(
          `no regression against ${values.base}: ${count("pass")} within their history's limits, ${count("unconfirmed")} slower but alone (not failing), ${count("faster")} better, ${count("insufficient-history")} not judged`,
        );
      }
      io.stdout.write(`${lines.join("\n")}\n`);
      return check.regressed ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};

/** The branch a stored run records; a usage error when it records none. */
async function branchOfRun(store: CliStore, runId: string): Promise<string> {
  const run = await store.runDetail(runId, { samples: false });
  if (!run.branch) {
    throw new CliUsageError(
      `run ${runId} records no branch, and there is no git checkout here: pass --branch NAME`,
    );
  }
  return run.branch;
}
