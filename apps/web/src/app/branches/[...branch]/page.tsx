import { formatDuration } from "@threadbench/core";
import type { Metadata } from "next";
import { cache, Suspense } from "react";
import { AppLink } from "../../../components/app-link";
import { CommitRef, ModeName, RuntimeLabel } from "../../../components/names";
import { TableScroll } from "../../../components/table-scroll";
import { Badge, ErrorCallout, StatusBadge } from "../../../components/ui";
import type { BranchReviewQuery as BranchReviewResult } from "../../../generated/graphql";
import { BranchReviewQuery } from "../../../graphql/queries";
import { serverQuery } from "../../../graphql/server";
import { branchReviewHref, reasonText } from "../../../lib/branch-review";
import { formatChange, formatDateTime, formatParams, formatRatioPercent } from "../../../lib/format";
import { branchCellStatusLabels, gateVerdictLabels, verdictLabels, verdictTone } from "../../../lib/labels";
import { modeSlots } from "../../../lib/mode-colors";
import { commitUrlTemplate } from "../../../lib/server-config";
import { compareHref, type SearchParamsRecord } from "../../../lib/url-state";

interface PageProps {
  params: Promise<{ branch: string[] }>;
  searchParams: Promise<SearchParamsRecord>;
}

/** The base branch when the URL names none: what most teams gate on. */
const defaultBase = "main";

/** The branch from the path: /branches/feature/x and /branches/feature%2Fx (how the CLI links) alike. */
function branchOf(segments: string[]): string {
  return segments
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        // Already decoded, with a literal "%" in it.
        return segment;
      }
    })
    .join("/");
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  return { title: `Branch ${branchOf((await params).branch)}` };
}

type Check = BranchReviewResult["branchReview"]["checks"][number];
type CheckRun = Check["head"];

const verdictWords: Record<Check["verdict"], { text: string; tone: "good" | "bad" | "neutral" }> = {
  PASS: { text: "passes", tone: "good" },
  FAIL: { text: "fails", tone: "bad" },
  NO_BASE: { text: "nothing to compare with", tone: "neutral" },
};

function RunLine({ run, label, template }: { run: CheckRun; label: string; template: string | null }) {
  return (
    <div className="small">
      <strong>{label}</strong>{" "}
      <AppLink href={`/runs/${encodeURIComponent(run.id)}`}>{formatDateTime(run.createdAt)}</AppLink> ·{" "}
      <CommitRef sha={run.commitSha} template={template} message={run.commitMessage} /> on{" "}
      {run.branch ?? "no branch"} · <RuntimeLabel testbed={run.testbed} /> on {run.testbed?.hostname ?? "?"}{" "}
      <StatusBadge status={run.status} />
      {run.commitMessage ? <div className="muted">“{run.commitMessage}”</div> : null}
    </div>
  );
}

type Gate = NonNullable<Check["gate"]>;

const gateTones = {
  PASS: "good",
  SLOWER: "bad",
  UNCONFIRMED: "warn",
  FASTER: "info",
  INSUFFICIENT_HISTORY: "neutral",
} as const;

/** A gate cell's value in its metric's unit: wall times in ms, efficiencies and serial fractions as %. */
function gateValue(metric: string, value: number | null | undefined): string {
  return metric === "wall_time" ? formatDuration(value) : formatRatioPercent(value, 1);
}

/** The check's decision: each cell of the head against the base branch's recent runs. */
function GateTable({ gate, base, slots }: { gate: Gate; base: string; slots: Map<string, number> }) {
  return (
    <>
      <p className="small" data-testid="gate-summary">
        Against the {gate.baseRuns} most recent comparable run{gate.baseRuns === 1 ? "" : "s"} of {base}{" "}
        (per-run {gate.statistic} of the repetitions): a cell fails beyond its limit, the history&apos;s
        prediction for one new run.
        {gate.fewRuns ? " Little history: only large changes can be caught." : ""}
      </p>
      <TableScroll label="Cells against the base branch's history">
        <table className="data" data-testid="gate-cells">
          <thead>
            <tr>
              <th scope="col">Mode</th>
              <th scope="col" className="num">
                Threads
              </th>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                History
              </th>
              <th scope="col" className="num">
                Limit
              </th>
              <th scope="col" className="num">
                Head
              </th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col" className="num">
                Detectable
              </th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {gate.cells.map((cell) => (
              <tr key={`${cell.metric}:${cell.mode}:${cell.threads}`} data-verdict={cell.verdict}>
                <td>
                  <ModeName mode={cell.mode} slot={slots.get(cell.mode)} />
                </td>
                <td className="num">{cell.threads}</td>
                <td className="small">{cell.metric.replace("_", " ")}</td>
                <td className="num">
                  {gateValue(cell.metric, cell.center)}
                  <div className="small muted">
                    {cell.baseRuns} run{cell.baseRuns === 1 ? "" : "s"} · {cell.model}
                  </div>
                </td>
                <td className="num">{gateValue(cell.metric, cell.limit)}</td>
                <td className="num">{gateValue(cell.metric, cell.head)}</td>
                <td className="num">
                  <strong>
                    {cell.metric === "serial_fraction"
                      ? formatRatioPercent(cell.change, 1)
                      : formatChange(cell.change)}
                  </strong>
                </td>
                <td className="num">
                  {cell.detectableChange !== null && cell.detectableChange !== undefined
                    ? cell.metric === "serial_fraction"
                      ? formatRatioPercent(cell.detectableChange, 1)
                      : formatChange(cell.detectableChange)
                    : "–"}
                </td>
                <td>
                  <Badge tone={gateTones[cell.verdict]}>{gateVerdictLabels[cell.verdict]}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

function CheckPanel({ check, template, base }: { check: Check; template: string | null; base: string }) {
  const verdict = verdictWords[check.verdict];
  const slots = modeSlots([
    ...check.cells.map((cell) => cell.mode),
    ...(check.gate?.cells.map((cell) => cell.mode) ?? []),
  ]);
  return (
    <section
      className="panel"
      aria-label={`${check.workloadId}: ${verdict.text}`}
      data-testid="branch-check"
      data-verdict={check.verdict}
    >
      <h2>
        <span className="verdict-line">
          {check.workloadId}
          <span className="muted small">{formatParams(check.head.params)}</span>
        </span>
        <Badge tone={verdict.tone}>{verdict.text}</Badge>
      </h2>
      <RunLine run={check.head} label="Head" template={template} />
      {check.base ? (
        <RunLine run={check.base} label="Base" template={template} />
      ) : (
        <p className="small muted">
          The base branch has no succeeded run of this workload with the same parameters, scaling and testbed:
          `threadbench check` passes, with nothing checked.
        </p>
      )}
      {check.reasons.length > 0 ? (
        <ul className="reasons" data-testid="check-reasons">
          {check.reasons.map((reason) => (
            <li key={`${reason.kind}:${reason.mode}:${reason.threads}`}>{reasonText(reason)}</li>
          ))}
        </ul>
      ) : null}
      {check.warnings.length > 0 ? (
        <div className="callout warn small">
          <strong>Read with care</strong>
          <ul>
            {check.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {check.gate ? <GateTable gate={check.gate} base={base} slots={slots} /> : null}
      {check.cells.length > 0 ? (
        <>
          {check.gate ? (
            <h3 className="small" style={{ marginTop: 12 }}>
              Against the latest base run, repetition by repetition (for reference)
            </h3>
          ) : null}
          <TableScroll label={`Cells of ${check.workloadId}`}>
            <table className="data" data-testid="check-cells">
              <thead>
                <tr>
                  <th scope="col">Mode</th>
                  <th scope="col" className="num">
                    Threads
                  </th>
                  <th scope="col" className="num">
                    Base
                  </th>
                  <th scope="col" className="num">
                    Head
                  </th>
                  <th scope="col" className="num">
                    Change
                  </th>
                  <th scope="col" className="num">
                    Interval
                  </th>
                  <th scope="col">Verdict</th>
                  <th scope="col" className="num">
                    p
                  </th>
                </tr>
              </thead>
              <tbody>
                {check.cells.map((cell) => (
                  <tr key={`${cell.mode}:${cell.threads}`} data-verdict={cell.verdict ?? cell.status}>
                    <td>
                      <ModeName mode={cell.mode} slot={slots.get(cell.mode)} />
                    </td>
                    <td className="num">{cell.threads}</td>
                    <td className="num">{formatDuration(cell.baseMedianMs)}</td>
                    <td className="num">{formatDuration(cell.headMedianMs)}</td>
                    <td className="num">
                      <strong>{formatChange(cell.relativeChange)}</strong>
                    </td>
                    <td className="num">
                      {cell.relativeChangeLow !== null &&
                      cell.relativeChangeLow !== undefined &&
                      cell.relativeChangeHigh !== null &&
                      cell.relativeChangeHigh !== undefined
                        ? `${formatChange(cell.relativeChangeLow)} … ${formatChange(cell.relativeChangeHigh)}`
                        : "–"}
                      {cell.confidence ? (
                        <div className="small muted">{formatRatioPercent(cell.confidence)}</div>
                      ) : null}
                    </td>
                    <td>
                      {cell.verdict ? (
                        <Badge tone={verdictTone(cell.verdict)}>{verdictLabels[cell.verdict]}</Badge>
                      ) : (
                        <Badge tone={cell.status === "FAILED" ? "bad" : "neutral"}>
                          {branchCellStatusLabels[cell.status]}
                        </Badge>
                      )}
                    </td>
                    <td className="num">
                      {cell.pValue !== null && cell.pValue !== undefined ? cell.pValue.toPrecision(2) : "–"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      ) : null}
      {check.base ? (
        <p className="small">
          <AppLink href={compareHref(check.base.id, check.head.id)}>Compare the two runs →</AppLink>
        </p>
      ) : null}
    </section>
  );
}

/**
 * The review of one branch against one base, once per request however many parts of the
 * page read it (React's request-scoped cache: the verdict badge, the subtitle and the
 * checks each await it behind their own Suspense boundary).
 */
const reviewOf = cache((branch: string, base: string, workload: string | null) =>
  serverQuery(BranchReviewQuery, { branch, base, workload }),
);

/** The overall verdict next to the title, once the checks are decided. */
async function ReviewVerdict({ branch, base, workload }: ReviewKey) {
  const result = await reviewOf(branch, base, workload);
  if (!result.ok || result.data.branchReview.checks.length === 0) return null;
  return result.data.branchReview.regressed ? (
    <Badge tone="bad">
      <span data-testid="review-verdict">regressed</span>
    </Badge>
  ) : (
    <Badge tone="good">
      <span data-testid="review-verdict">no regression</span>
    </Badge>
  );
}

/** ": 1 of 4 workloads fail", once the checks are decided. */
async function FailedCount({ branch, base, workload }: ReviewKey) {
  const result = await reviewOf(branch, base, workload);
  if (!result.ok) return null;
  const { checks } = result.data.branchReview;
  if (checks.length === 0) return null;
  const failed = checks.filter((check) => check.verdict === "FAIL").length;
  return (
    <>
      : {failed} of {checks.length} workloads fail
    </>
  );
}

interface ReviewKey {
  branch: string;
  base: string;
  workload: string | null;
}

/** Every workload's check, or why there is nothing to review. */
async function ReviewChecks({ branch, base, workload }: ReviewKey) {
  const result = await reviewOf(branch, base, workload);
  if (!result.ok) return <ErrorCallout error={result.error} />;
  const review = result.data.branchReview;
  const template = commitUrlTemplate();
  if (review.checks.length === 0) {
    return (
      <section className="panel empty">
        <h2>Nothing to review</h2>
        <p>
          No succeeded run on <code>{branch}</code>
          {workload ? ` for ${workload}` : ""}. Runs record their branch from git (or --branch) when they are
          run or ingested.
        </p>
      </section>
    );
  }
  return review.checks.map((check) => (
    <CheckPanel key={check.workloadId} check={check} template={template} base={review.base} />
  ));
}

/**
 * What `threadbench check` decides for a branch against its base, one workload at a
 * time: the same verdicts, reasons and intervals. CI links here (the URL is the branch
 * and `?base=`). The title and the base form come first; the checks (the gate over the
 * base branch's history, tens of milliseconds at 100,000 runs, and a long document)
 * stream in behind it.
 */
export default async function BranchReviewPage({ params, searchParams }: PageProps) {
  const branch = branchOf((await params).branch);
  const search = await searchParams;
  const base = (typeof search.base === "string" && search.base.trim()) || defaultBase;
  const workload = typeof search.workload === "string" && search.workload.trim() ? search.workload : null;
  const key = { branch, base, workload };
  return (
    <>
      <div className="page-head">
        <div>
          <div className="breadcrumbs">
            <AppLink href="/branches">Branches</AppLink> / <span className="mono">{branch}</span>
          </div>
          <h1 className="verdict-line">
            {branch} vs {base}{" "}
            <Suspense fallback={null}>
              <ReviewVerdict {...key} />
            </Suspense>
          </h1>
          <p className="subtitle">
            The latest succeeded run of each workload on {branch} against {base}&apos;s recent comparable
            runs, decided as <code>threadbench check --base {base}</code> decides
            <Suspense fallback={null}>
              <FailedCount {...key} />
            </Suspense>
            .
          </p>
        </div>
        <form className="actions" method="get" action={branchReviewHref(branch, base).split("?")[0]}>
          <label htmlFor="review-base" className="small">
            Base
          </label>
          <input id="review-base" name="base" defaultValue={base} style={{ width: 140 }} />
          <button type="submit">Review</button>
        </form>
      </div>
      <Suspense
        fallback={
          <section className="panel" aria-busy="true" data-testid="checks-loading">
            <p className="muted">
              Deciding each workload of {branch} against {base}&apos;s recent runs…
            </p>
          </section>
        }
      >
        <ReviewChecks {...key} />
      </Suspense>
    </>
  );
}
