"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDateTime, formatDuration, formatParams, shortSha } from "../lib/format";
import { enumToWord } from "../lib/labels";
import { compareHref } from "../lib/url-state";
import { RunLabels, StatusBadge } from "./ui";

export interface RunRow {
  id: string;
  workloadId: string;
  params: unknown;
  threads: number[];
  modes: string[];
  status: string;
  commitSha: string | null;
  branch: string | null;
  labels: string[];
  seeded: boolean;
  createdAt: string;
  durationMs: number | null;
  testbed: { hostname: string; runtime: string; runtimeVersion: string } | null;
}

/**
 * The runs table. Ticking two rows enables "Compare": the older run becomes the
 * baseline. Selection is client state; everything else comes from the URL.
 */
export function RunsTable({
  runs,
  initiallySelected = [],
}: {
  runs: RunRow[];
  initiallySelected?: string[];
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<string[]>(initiallySelected);

  function toggle(id: string) {
    setSelected((current) =>
      current.includes(id) ? current.filter((other) => other !== id) : [...current, id].slice(-2),
    );
  }

  function compare() {
    const chosen = selected
      .map((id) => runs.find((run) => run.id === id))
      .filter((run): run is RunRow => run !== undefined);
    const [first, second] = chosen;
    if (first && second) {
      const [base, head] =
        Date.parse(first.createdAt) <= Date.parse(second.createdAt) ? [first, second] : [second, first];
      router.push(compareHref(base.id, head.id));
    } else if (selected.length === 2) {
      // One of the two is on another page of the table.
      router.push(compareHref(selected[0] as string, selected[1] as string));
    }
  }

  return (
    <>
      <div className="actions" style={{ marginBottom: 8 }}>
        <button
          type="button"
          className={selected.length === 2 ? "primary" : ""}
          disabled={selected.length !== 2}
          onClick={compare}
          data-testid="compare-selected"
        >
          Compare selected ({selected.length}/2)
        </button>
        <span className="small muted">Tick two runs to compare them cell by cell.</span>
        {selected.length > 0 ? (
          <button type="button" className="small" onClick={() => setSelected([])}>
            Clear selection
          </button>
        ) : null}
      </div>
      <div className="table-wrap">
        <table className="data" data-testid="runs-table">
          <caption className="visually-hidden">Runs</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
              <th scope="col">Status</th>
              <th scope="col">Workload</th>
              <th scope="col">Threads</th>
              <th scope="col" className="hide-narrow">
                Commit
              </th>
              <th scope="col" className="hide-narrow">
                Testbed
              </th>
              <th scope="col">Created</th>
              <th scope="col" className="num">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const isSelected = selected.includes(run.id);
              return (
                <tr key={run.id} className={isSelected ? "selected" : undefined} data-run-id={run.id}>
                  <td>
                    <input
                      type="checkbox"
                      checked={isSelected}
                      onChange={() => toggle(run.id)}
                      aria-label={`Select run ${run.id} for comparison`}
                    />
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>
                    <Link href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</Link>{" "}
                    <RunLabels labels={run.labels} seeded={run.seeded} />
                    <div className="small muted">{formatParams(run.params)}</div>
                  </td>
                  <td>
                    {run.threads.join(", ")}
                    <div className="small muted hide-narrow">{run.modes.map(enumToWord).join(", ")}</div>
                  </td>
                  <td className="hide-narrow">
                    {run.commitSha ? (
                      <span className="mono">{shortSha(run.commitSha)}</span>
                    ) : (
                      <span className="muted">–</span>
                    )}
                    {run.branch ? <div className="small muted">{run.branch}</div> : null}
                  </td>
                  <td className="hide-narrow small">
                    {run.testbed ? (
                      <>
                        {run.testbed.hostname}
                        <div className="muted">
                          {run.testbed.runtime} {run.testbed.runtimeVersion}
                        </div>
                      </>
                    ) : (
                      <span className="muted">–</span>
                    )}
                  </td>
                  <td className="nowrap small">{formatDateTime(run.createdAt)}</td>
                  <td className="num">{formatDuration(run.durationMs)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
