import type { BranchCheck, CheckReason, GateCell } from "../regressions/check-branch.js";

export interface CheckMarkdownOptions {
  /** The branch compared against. */
  base: string;
  /** The branch checked. */
  branch: string;
  /** THREADBENCH_DASHBOARD_URL (e.g. https://threadbench.example.com); null: no links. */
  dashboardUrl: string | null;
  /** One line per reason, as the text output words it. */
  describeReason: (reason: CheckReason) => string;
  /**
   * The gate table's cells as the text output words them: name, base, head, change,
   * the smallest change that fails, threshold.
   */
  describeCell: (cell: GateCell) => {
    name: string;
    base: string;
    head: string;
    change: string;
    failsBeyond: string;
    threshold: string;
  };
}

/** Inline code that survives any backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence.length > 1 ? " " : ""}${text}${fence.length > 1 ? " " : ""}${fence}`;
}

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/** The dashboard URL without a trailing slash, or null when unset or not http(s). */
export function dashboardBase(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.href.replace(/\/+$/, "");
  } catch {
    return null;
  }
}

function link(text: string, url: string | null): string {
  return url ? `[${text}](${url})` : text;
}

function verdict(cell: GateCell): string {
  switch (cell.verdict) {
    case "slower":
      return "**slower**";
    case "insufficient-history":
      return "not judged (too few runs)";
    case "unconfirmed":
      return "slower, alone (not failing)";
    case "pass":
    case "faster":
      return cell.verdict;
    default: {
      const unreachable: never = cell.verdict;
      return String(unreachable);
    }
  }
}

/**
 * `threadbench check --format markdown`: the decision for a pull-request comment or a CI
 * job summary ($GITHUB_STEP_SUMMARY): the verdict first, the runs compared, one table row
 * per cell (and scaling metric) with its change against the base branch's recent runs
 * and the smallest change that fails it, why it failed, and links to the dashboard's
 * branch view, the runs and their comparison when THREADBENCH_DASHBOARD_URL is set.
 */
export function formatCheckMarkdown(check: BranchCheck, options: CheckMarkdownOptions): string {
  const dashboard = options.dashboardUrl;
  const runUrl = (id: string) => (dashboard ? `${dashboard}/runs/${encodeURIComponent(id)}` : null);
  const branchUrl = (name: string) =>
    dashboard ? `${dashboard}/branches/${encodeURIComponent(name)}` : null;
  const describeRun = (run: BranchCheck["head"]) =>
    `${link(code(run.id.slice(0, 8)), runUrl(run.id))} (${run.commitSha ? code(run.commitSha.slice(0, 12)) : "no commit"} on ${run.branch ? code(run.branch) : "no branch"}, ${run.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
  const head = check.head;
  const lines: string[] = [];
  const title = check.regressed
    ? `### ❌ threadbench: regression on ${code(options.branch)} against ${code(options.base)}`
    : `### ✅ threadbench: no regression on ${code(options.branch)} against ${code(options.base)}`;
  lines.push(title, "");
  lines.push(`**${cell(head.workloadId)}** ${code(head.paramsKey)}, ${head.scaling} scaling`);
  if (head.testbed) {
    lines.push(
      `on ${cell(head.testbed.hostname)}: ${cell(head.testbed.cpuModel)}, ${head.testbed.logicalCores} logical cores, ${cell(head.testbed.runtime)} ${cell(head.testbed.runtimeVersion)}`,
    );
  }
  lines.push("");
  lines.push(`- head: run ${describeRun(head)}`);
  if (!check.base || !check.comparison || !check.gate) {
    lines.push(
      `- base: none: no comparable succeeded run on ${code(options.base)} (same workload, parameters, scaling and testbed), so there is nothing to compare against`,
    );
  } else {
    const base = check.base;
    const gate = check.gate;
    lines.push(
      `- base: the ${gate.baseRuns} most recent runs on ${code(options.base)} (per-run value: the ${gate.statistic} of the repetitions), the latest run ${describeRun(base)}`,
    );
    for (const warning of check.comparison.warnings) lines.push(`- warning: ${cell(warning)}`);
    lines.push("");
    lines.push("| cell | base runs | base | head | change | fails beyond | threshold | verdict |");
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (const gateCell of gate.cells) {
      const described = options.describeCell(gateCell);
      lines.push(
        `| ${[
          cell(described.name),
          String(gateCell.baseRuns),
          described.base,
          described.head,
          described.change,
          described.failsBeyond,
          cell(described.threshold),
          verdict(gateCell),
        ].join(" | ")} |`,
      );
    }
    const count = (kind: GateCell["verdict"]) =>
      gate.cells.filter((gateCell) => gateCell.verdict === kind).length;
    lines.push("");
    lines.push(
      `${count("slower")} slower, ${count("unconfirmed")} slower but alone (not failing), ${count("faster")} better, ${count("pass")} within their history's limits, ${count("insufficient-history")} not judged`,
    );
    if (gate.fewRuns) {
      lines.push(
        "",
        `Few base runs: only changes beyond "fails beyond" are caught. Store more runs on ${code(options.base)}, or measure base and head together with ${code("threadbench check --ab BASE_MODULE HEAD_MODULE")}.`,
      );
    }
    if (check.regressed) {
      lines.push("", "**Why it fails:**", "");
      for (const reason of check.reasons) lines.push(`- ${cell(options.describeReason(reason))}`);
    }
  }
  if (dashboard) {
    const links = [
      link(`${options.branch} on the dashboard`, branchUrl(options.branch)),
      link("head run", runUrl(head.id)),
      ...(check.base
        ? [
            link(
              "the two runs side by side",
              `${dashboard}/compare?a=${encodeURIComponent(check.base.id)}&b=${encodeURIComponent(head.id)}`,
            ),
          ]
        : []),
    ];
    lines.push("", links.join(" · "));
  }
  return `${lines.join("\n")}\n`;
}
