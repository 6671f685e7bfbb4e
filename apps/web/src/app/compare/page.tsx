import { formatDuration } from "@threadbench/core";
import type { Metadata } from "next";
import { AppLink } from "../../components/app-link";
import { DataTable } from "../../components/data-table";
import { CommitRef, ModeName, RuntimeLabel } from "../../components/names";
import { Badge, ErrorCallout, RunLabels, StatusBadge } from "../../components/ui";
import type { CompareQuery as CompareResult } from "../../generated/graphql";
import { CompareQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import {
  formatChange,
  formatDateTime,
  formatParams,
  formatRatioPercent,
  formatSpeedup,
} from "../../lib/format";
import { verdictLabels, verdictTone } from "../../lib/labels";
import { modeSlots } from "../../lib/mode-colors";
import { commitUrlTemplate } from "../../lib/server-config";
import { compareHref, parseCompare, type SearchParamsRecord } from "../../lib/url-state";

export const metadata: Metadata = { title: "Compare runs" };

type Side = CompareResult["compare"]["base"];

function RunCard({ run, side, template }: { run: Side; side: string; template: string | null }) {
  return (
    <section className="panel" aria-label={`${side} run`}>
      <h2>
        <span>
          {side}: <AppLink href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</AppLink>
        </span>
        <StatusBadge status={run.status} />
      </h2>
      <dl className="facts">
        <dt>Run</dt>
        <dd className="mono small">{run.id}</dd>
        <dt>Parameters</dt>
        <dd>{formatParams(run.params)}</dd>
        <dt>Commit</dt>
        <dd>
          <CommitRef sha={run.commitSha} template={template} message={run.commitMessage} />{" "}
          {run.branch ? `on ${run.branch}` : ""}
          {run.commitMessage ? <div className="small muted">“{run.commitMessage}”</div> : null}
        </dd>
        <dt>Runtime</dt>
        <dd>
          <RuntimeLabel testbed={run.testbed} />
          {run.testbed ? ` on ${run.testbed.hostname}` : ""}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(run.createdAt)}</dd>
        <dt>Repetitions</dt>
        <dd>{run.repetitions}</dd>
        <dt>Labels</dt>
        <dd>
          <RunLabels labels={run.labels} seeded={run.seeded} />
          {run.labels.length === 0 && !run.seeded ? "–" : null}
        </dd>
      </dl>
    </section>
  );
}

function Chooser({ a, b }: { a?: string | undefined; b?: string | undefined }) {
  return (
    <form className="panel" method="get" action="/compare">
      <p>
        Choose two runs: tick them in the <AppLink href="/runs">runs table</AppLink> and press “Compare
        selected”, or paste their ids.
      </p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="compare-a">Base run id</label>
          <input id="compare-a" name="a" defaultValue={a ?? ""} required />
        </div>
        <div className="field">
          <label htmlFor="compare-b">Head run id</label>
          <input id="compare-b" name="b" defaultValue={b ?? ""} required />
        </div>
      </div>
      <div className="actions" style={{ marginTop: 12 }}>
        <button type="submit" className="primary">
          Compare
        </button>
      </div>
    </form>
  );
}

interface PageProps {
  searchParams: Promise<SearchParamsRecord>;
}

export default async function ComparePage({ searchParams }: PageProps) {
  const { a, b } = parseCompare(await searchParams);
  if (!a || !b) {
    return (
      <>
        <h1>Compare runs</h1>
        <Chooser a={a} b={b} />
      </>
    );
  }
  const result = await serverQuery(CompareQuery, { base: a, head: b });
  if (!result.ok) {
    return (
      <>
        <h1>Compare runs</h1>
        <ErrorCallout error={result.error} title="Could not compare these runs" />
        <Chooser a={a} b={b} />
      </>
    );
  }
  const { base, head, cells, warnings, verdicts } = result.data.compare;
  const template = commitUrlTemplate();
  const slots = modeSlots(cells.map((cell) => cell.mode));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Compare runs</h1>
          <p className="subtitle">
            Per cell: head vs base median wall time, with the confidence interval of the relative change and a
            verdict from a Mann–Whitney test on the repetitions.
          </p>
        </div>
        <div className="actions">
          <AppLink className="button" href={compareHref(head.id, base.id)}>
            Swap sides
          </AppLink>
        </div>
      </div>
      {Date.parse(base.createdAt) > Date.parse(head.createdAt) ? (
        <div className="callout info small" data-testid="base-newer">
          <p>
            The base run is newer than the head run, so “slower” means the older run was slower.{" "}
            <AppLink href={compareHref(head.id, base.id)}>Make the older run the base</AppLink>.
          </p>
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <div className="callout warn" data-testid="compare-warnings">
          <strong>Read with care</strong>
          <ul>
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="grid-2" style={{ marginBottom: 16 }}>
        <RunCard run={base} side="Base" template={template} />
        <RunCard run={head} side="Head" template={template} />
      </div>
      <section className="panel" aria-labelledby="cells-heading">
        <h2 id="cells-heading">
          <span>Cells</span>
          <span className="actions">
            <Badge tone="good">{verdicts.faster} faster</Badge>
            <Badge tone="bad">{verdicts.slower} slower</Badge>
            <Badge>{verdicts.unchanged} unchanged</Badge>
            <Badge tone="warn">{verdicts.noisy} noisy</Badge>
          </span>
        </h2>
        {cells.length === 0 ? (
          <p className="muted">The runs have no (mode, threads) cells in common.</p>
        ) : (
          <>
            <DataTable
              label="Compared cells"
              testId="compare-table"
              columns={[
                { title: "Mode" },
                { title: "Threads", numeric: true },
                { title: "Base", numeric: true },
                { title: "Head", numeric: true },
                { title: "Change", numeric: true },
                { title: "Interval", numeric: true },
                { title: "Verdict" },
                { title: "p", numeric: true },
                { title: "Speedup", numeric: true },
              ]}
            >
              {cells.map((cell) => (
                <tr key={`${cell.mode}:${cell.threads}`}>
                  <td>
                    <ModeName mode={cell.mode} slot={slots.get(cell.mode)} />
                  </td>
                  <td className="num">{cell.threads}</td>
                  <td className="num">{cell.base ? formatDuration(cell.baseMedianMs) : "missing"}</td>
                  <td className="num">{cell.head ? formatDuration(cell.headMedianMs) : "missing"}</td>
                  <td className="num">
                    <strong>{formatChange(cell.relativeChange)}</strong>
                    {cell.differenceMs !== null && cell.differenceMs !== undefined ? (
                      <div className="small muted">
                        {cell.differenceMs > 0 ? "+" : ""}
                        {formatDuration(cell.differenceMs)}
                      </div>
                    ) : null}
                  </td>
                  <td className="num">
                    {cell.relativeChangeLow !== null &&
                    cell.relativeChangeLow !== undefined &&
                    cell.relativeChangeHigh !== null &&
                    cell.relativeChangeHigh !== undefined
                      ? `${formatChange(cell.relativeChangeLow)} … ${formatChange(cell.relativeChangeHigh)}`
                      : "–"}
                    {cell.confidence ? (
                      <div className="small muted">{formatRatioPercent(cell.confidence)} CI</div>
                    ) : null}
                  </td>
                  <td>
                    {cell.verdict ? (
                      <Badge tone={verdictTone(cell.verdict)}>{verdictLabels[cell.verdict]}</Badge>
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="num">
                    {cell.pValue !== null && cell.pValue !== undefined ? cell.pValue.toPrecision(2) : "–"}
                  </td>
                  <td className="num">
                    {formatSpeedup(cell.baseSpeedup)} → {formatSpeedup(cell.headSpeedup)}
                  </td>
                </tr>
              ))}
            </DataTable>
            <p className="chart-caption">
              Change: head ÷ base − 1 of the median wall time; positive means slower. “noisy”: too few
              repetitions or too much spread to tell.
            </p>
          </>
        )}
      </section>
    </>
  );
}
