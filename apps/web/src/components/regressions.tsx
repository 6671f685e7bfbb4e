"use client";

import { formatDuration } from "@threadbench/core";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import {
  AcknowledgeRegressionDocument,
  MarkFalseAlarmDocument,
  MarkRegressionFixedDocument,
  type RegressionFieldsFragment,
  ReopenRegressionDocument,
} from "../generated/graphql";
import { ApiError, executeOperation } from "../graphql/execute";
import { formatChange, formatDateTime, formatParams, formatRatioPercent, shortSha } from "../lib/format";
import { regressionStatusLabels } from "../lib/labels";
import { AppLink } from "./app-link";
import { ModeName } from "./names";
import { TableScroll } from "./table-scroll";
import { TokenField, useApiToken } from "./token-field";
import { Badge } from "./ui";

export type RegressionRow = RegressionFieldsFragment;

type Action = "acknowledge" | "false-alarm" | "fixed" | "reopen";

const actionLabels: Record<Action, string> = {
  acknowledge: "Acknowledge",
  "false-alarm": "False alarm",
  fixed: "Mark fixed",
  reopen: "Reopen",
};

function statusTone(status: string) {
  switch (status) {
    case "OPEN":
      return "bad" as const;
    case "ACKNOWLEDGED":
      return "warn" as const;
    case "FIXED":
      return "good" as const;
    default:
      return "neutral" as const;
  }
}

function actionsFor(status: string): Action[] {
  switch (status) {
    case "OPEN":
      return ["acknowledge", "false-alarm", "fixed"];
    case "ACKNOWLEDGED":
      return ["fixed", "false-alarm", "reopen"];
    default:
      return ["reopen"];
  }
}

async function send(action: Action, id: string, note: string | null, token: string) {
  const variables = { id, note };
  const options = { token };
  switch (action) {
    case "acknowledge":
      return (await executeOperation("/graphql", AcknowledgeRegressionDocument, variables, options))
        .acknowledgeRegression;
    case "false-alarm":
      return (await executeOperation("/graphql", MarkFalseAlarmDocument, variables, options)).markFalseAlarm;
    case "fixed":
      return (await executeOperation("/graphql", MarkRegressionFixedDocument, variables, options))
        .markRegressionFixed;
    case "reopen":
      return (await executeOperation("/graphql", ReopenRegressionDocument, variables, options))
        .reopenRegression;
    default: {
      const exhaustive: never = action;
      throw new Error(`unknown action ${String(exhaustive)}`);
    }
  }
}

/** "+12.3%" for relative metrics, "+0.050" for the serial fraction (an absolute change). */
function formatSize(metric: RegressionRow["metric"], size: number): string {
  return metric === "SERIAL_FRACTION" ? `${size >= 0 ? "+" : ""}${size.toFixed(3)}` : formatChange(size);
}

/** A level of the metric: a duration for wall time, a percentage for the scaling metrics. */
function formatLevel(metric: RegressionRow["metric"], value: number | null | undefined): string {
  return metric === "WALL_TIME" ? formatDuration(value) : formatRatioPercent(value, 1);
}

/** What changed, in words: "slower +12.3%", "efficiency -10.0%", "serial fraction +0.050". */
function changeText(row: RegressionRow): string {
  switch (row.metric) {
    case "WALL_TIME":
      return `${row.kind === "REGRESSION" ? "slower" : "faster"} ${formatChange(row.size)}`;
    case "EFFICIENCY":
      // size is positive when worse; the efficiency itself moved the other way.
      return `efficiency ${formatChange(-row.size)}`;
    case "SERIAL_FRACTION":
      return `serial fraction ${formatSize(row.metric, row.size)}`;
    default: {
      const exhaustive: never = row.metric;
      return String(exhaustive);
    }
  }
}

/**
 * Detected step changes with their size, interval and confidence; with `actions`,
 * people acknowledge them, call them false alarms, mark them fixed or reopen them.
 */
export function RegressionList({
  regressions,
  actions = false,
  showSeries = true,
}: {
  regressions: RegressionRow[];
  actions?: boolean;
  showSeries?: boolean;
}) {
  const router = useRouter();
  const [rows, setRows] = useState(regressions);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [token] = useApiToken();
  const noteId = useId();

  async function act(action: Action, row: RegressionRow) {
    setError(null);
    if (!token) {
      setError("Enter an API token to change a regression's status.");
      return;
    }
    setBusy(row.id);
    try {
      const updated = await send(action, row.id, notes[row.id]?.trim() || null, token);
      setRows((current) =>
        current.map((candidate) => (candidate.id === row.id ? { ...candidate, ...updated } : candidate)),
      );
      router.refresh();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Changing the status failed; try again.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div>
      {error ? (
        <div className="callout error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {actions && !token ? (
        <div style={{ maxWidth: 420, marginBottom: 12 }}>
          <TokenField />
        </div>
      ) : null}
      <TableScroll label="Regressions">
        <table className="data" data-testid="regressions">
          <thead>
            <tr>
              <th scope="col">Change</th>
              {showSeries ? <th scope="col">Series</th> : null}
              <th scope="col">Introduced by</th>
              <th scope="col" className="num">
                Before → after
              </th>
              <th scope="col" className="num">
                Confidence
              </th>
              <th scope="col">Status</th>
              {actions ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.id}
                data-regression-id={row.id}
                data-regression-status={row.status}
                data-regression-metric={row.metric}
              >
                <td>
                  <Badge tone={row.kind === "REGRESSION" ? "bad" : "good"}>
                    <span data-testid="regression-change">{changeText(row)}</span>
                  </Badge>
                  {row.sizeLow !== null &&
                  row.sizeLow !== undefined &&
                  row.sizeHigh !== null &&
                  row.sizeHigh !== undefined ? (
                    <div className="small muted">
                      95%: {formatSize(row.metric, row.sizeLow)} … {formatSize(row.metric, row.sizeHigh)}
                    </div>
                  ) : null}
                </td>
                {showSeries ? (
                  <td>
                    <AppLink href={`/series/${encodeURIComponent(row.seriesKey)}`}>
                      {row.workloadId} · {row.mode ? <ModeName mode={row.mode} /> : "?"} ×{" "}
                      {row.threads ?? "?"}
                    </AppLink>
                    <div className="small muted">
                      {row.testbed ? `${row.testbed.runtimeLabel} · ${row.testbed.hostname} · ` : ""}
                      {formatParams(row.params)} · {row.branch ?? "no branch"}
                    </div>
                  </td>
                ) : null}
                <td>
                  <AppLink href={`/runs/${encodeURIComponent(row.runId)}`}>
                    {row.run?.commitSha ? <span className="mono">{shortSha(row.run.commitSha)}</span> : "run"}
                  </AppLink>
                  {row.run?.seeded ? (
                    <>
                      {" "}
                      <span className="badge seeded">seeded</span>
                    </>
                  ) : null}
                  <div className="small muted">{formatDateTime(row.run?.createdAt ?? row.createdAt)}</div>
                </td>
                <td className="num">
                  {formatLevel(row.metric, row.beforeValue)} → {formatLevel(row.metric, row.afterValue)}
                </td>
                <td className="num">{formatRatioPercent(row.confidence, 1)}</td>
                <td>
                  <Badge tone={statusTone(row.status)}>
                    <span data-testid="regression-status">{regressionStatusLabels[row.status]}</span>
                  </Badge>
                  {row.statusChangedBy ? (
                    <div className="small muted">
                      by {row.statusChangedBy}
                      {row.statusChangedAt ? `, ${formatDateTime(row.statusChangedAt)}` : ""}
                    </div>
                  ) : null}
                  {row.note ? <div className="small">“{row.note}”</div> : null}
                </td>
                {actions ? (
                  <td>
                    <div className="actions">
                      <label className="visually-hidden" htmlFor={`${noteId}-${row.id}`}>
                        Note
                      </label>
                      <input
                        id={`${noteId}-${row.id}`}
                        placeholder="note (optional)"
                        value={notes[row.id] ?? ""}
                        onChange={(event) => setNotes({ ...notes, [row.id]: event.target.value })}
                        maxLength={2000}
                        style={{ width: 160 }}
                      />
                      {actionsFor(row.status).map((action) => (
                        <button
                          key={action}
                          type="button"
                          className="small"
                          disabled={busy === row.id}
                          onClick={() => void act(action, row)}
                        >
                          {actionLabels[action]}
                        </button>
                      ))}
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
