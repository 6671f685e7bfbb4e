import { gitInfo } from "../db/git-info.js";
import type { BranchCheck, CheckReason } from "../regressions/check-branch.js";
import { dashboardBase, formatCheckMarkdown } from "./check-markdown.js";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags, parseInteger, parseList } from "./command.js";
import { formatChange, formatComparisonTable, formatInterval, formatPValue } from "./comparison-format.js";
import { formatDuration } from "./format.js";

function reasonText(reason: CheckReason): string {
  switch (reason.kind) {
    case "slower-cell": {
      const cell = reason.cell;
      return `${cell.mode} x${cell.threads} is ${formatChange(cell.relativeChange?.estimate)} slower (${formatDuration(cell.baseMedianMs)} -> ${formatDuration(cell.headMedianMs)}, 95% interval ${formatInterval(cell.relativeChange)}, p ${formatPValue(cell.pValue)})`;
    }
    case "scaling": {
      const { efficiency, serialFraction } = reason.result;
      const parts = [
        efficiency?.worse
          ? `efficiency at ${efficiency.threads} threads fell ${formatChange(efficiency.change)} (${(efficiency.base * 100).toFixed(0)}% -> ${(efficiency.head * 100).toFixed(0)}%)`
          : null,
        serialFraction?.worse
          ? `Amdahl serial fraction rose ${serialFraction.base.toFixed(3)} -> ${serialFraction.head.toFixed(3)}`
          : null,
      ].filter(Boolean);
      return `${reason.mode} scales worse: ${parts.join("; ")}`;
    }
    default: {
      const unreachable: never = reason;
      return String(unreachable);
    }
  }
}

function describeRun(run: BranchCheck["head"]): string {
  return `run ${run.id} (${run.commitSha?.slice(0, 12) ?? "no commit"} on ${run.branch ?? "no branch"}, ${run.createdAt.toISOString()})`;
}

export const checkCommand: CliCommand = {
  name: "check",
  summary: "Exit 1 when the latest run on this branch regresses against the base branch (CI gate)",
  help: `
Usage: threadbench check --base BRANCH [--branch NAME] [--workload ID] [--run ID] [--format F]

Compares the latest succeeded run on the current branch with the latest succeeded
run on the base branch of the same workload, parameters, scaling and testbed, cell by
cell (see \`threadbench compare\`), and fits the scaling of each parallel mode.
Fails when a cell is significantly slower (p < 0.01, at least --min-effect, interval excluding
zero) or a parallel mode scales significantly worse (Amdahl serial fraction up by
0.02, or efficiency at the highest thread count down by 5%). Noisy cells do not fail
the check: run more repetitions to decide them.

Flags:
  --base BRANCH    Branch to compare against (required), e.g. main
  --branch NAME    Branch to check (default: the checked-out git branch, or
                   GITHUB_HEAD_REF / GITHUB_REF_NAME / CI_COMMIT_REF_NAME)
  --workload ID    Only consider runs of this workload
  --run ID         Check this run instead of the branch's latest
  --min-effect PCT Smallest slowdown that fails the check, 1..100 percent (default 5);
                   raise it on a shared, noisy machine (see src/regressions/README.md)
  --format F       text (default), json ({regressed, reasons, head, base, comparison}),
                   or markdown: a summary for a pull-request comment or the CI job
                   summary, linking to THREADBENCH_DASHBOARD_URL's branch view when set
  --json           The same as --format json
${serverHelp}

Exit status: 0 no regression (also when the base branch has no comparable run),
1 regression (or no succeeded run on the branch to check), 2 bad flags.
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      base: { type: "string" },
      branch: { type: "string" },
      workload: { type: "string" },
      run: { type: "string" },
      "min-effect": { type: "string" },
      json: { type: "boolean" },
      format: { type: "string" },
      ...serverFlag,
    });
    const format = values.json
      ? "json"
      : (parseList("format", values.format ?? "text", ["text", "json", "markdown"] as const)[0] ?? "text");
    const minEffectPercent =
      values["min-effect"] === undefined
        ? undefined
        : parseInteger("min-effect", values["min-effect"], 1, 100);
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.base?.trim())
      throw new CliUsageError("--base is required (the branch to compare against, e.g. --base main)");
    const branch = values.branch?.trim() || (await gitInfo(io.cwd, io.env)).branch;
    if (!branch)
      throw new CliUsageError("cannot tell the current branch (no git checkout here): pass --branch NAME");
    const store = await openCliStore(io, values.server);
    try {
      const check = await store.checkBranch({
        base: values.base.trim(),
        branch,
        ...(values.workload ? { workloadId: values.workload } : {}),
        ...(values.run ? { headRunId: values.run } : {}),
        ...(minEffectPercent !== undefined ? { compare: { minEffect: minEffectPercent / 100 } } : {}),
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
      lines.push(`against ${describeRun(check.base)}`);
      lines.push(...check.comparison.warnings.map((warning) => `warning: ${warning}`));
      lines.push("", formatComparisonTable(check.comparison), "");
      const { verdicts } = check.comparison;
      if (check.regressed) {
        lines.push(`REGRESSION against ${values.base}:`);
        lines.push(...check.reasons.map((reason) => `  - ${reasonText(reason)}`));
      } else {
        lines.push(
          `no regression against ${values.base}: ${verdicts.unchanged} unchanged, ${verdicts.faster} faster, ${verdicts.noisy} noisy (not decided), 0 slower`,
        );
      }
      io.stdout.write(`${lines.join("\n")}\n`);
      return check.regressed ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};
