"use client";

import { formatDuration } from "@threadbench/core";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RunStatus } from "../generated/graphql";
import { formatDateTime, formatParams } from "../lib/format";
import { compareHref, orderByDate, scalingHref } from "../lib/url-state";
import { AppLink } from "./app-link";
import { DataTable } from "./data-table";
import { CommitRef, RuntimeLabel } from "./names";
import { RunLabels, StatusBadge } from "./ui";

export interface RunRow {
  id: string;
  workloadId: string;
  params: unknown;
  threads: number[];
  modes: string[];
  status: RunStatus;
  commitSha: string | null;
  commitMessage?: string | null;
  branch: string | null;
  labels: string[];
  seeded: boolean;
  createdAt: string;
  durationMs: number | null;
  testbed: { hostname: string; runtime: string; runtimeVersion: string; runtimeLabel: string } | null;
}

/** Runs the scaling chart overlays at most (its legend stays readable). */
export const maxScalingRuns = 8;

/**
 * The runs table. Ticking two rows enables "Compare" (the older run is the base,
 * whichever was ticked first); ticking up to eight enables the scaling chart of
 * those runs. Selection is client state; everything else comes from the URL.
 */
export function RunsTable({
  runs,
  initiallySelected = [],
  commitTemplate = null,
}: {
  runs: RunRow[];
  initiallySelected?: string[];
  commitTemplate?: string | null;
}) {
  const router = useRouter();
  // Rows keep their creation time, so a run ticked on another page still orders right.
  const [selected, setSelected] = useState<{ id: string; createdAt: string | null }[]>(() =>
    initiallySelected.map((id) => ({
      id,
      createdAt: runs.find((run) => run.id === id)?.createdAt ?? null,
    })),
  );
  const isSelected = (id: string) => selected.some((entry) => entry.id === id);

  function toggle(run: RunRow) {
    setSelected((current) =>
      current.some((entry) => entry.id === run.id)
        ? current.filter((entry) => entry.id !== run.id)
        : [...current, { id: run.id, createdAt: run.createdAt }].slice(-maxScalingRuns),
    );
  }

  function compare() {
    const [first, second] = selected;
    if (!first || !second || selected.length !== 2) return;
    const [base, head] = orderByDate(first, second);
    router.push(compareHref(base.id, head.id));
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
          Compare selected ({Math.min(selected.length, 2)}/2)
        </button>
        <button
          type="button"
          disabled={selected.length === 0}
          onClick={() => router.push(scalingHref(selected.map((entry) => entry.id)))}
          data-testid="scaling-selected"
        >
          Scaling chart ({selected.length})
        </button>
        <span className="small muted">
          Tick two runs to compare them cell by cell (the older is the base), or up to {maxScalingRuns} to
          overlay their scaling.
        </span>
        {selected.length > 0 ? (
          <button type="button" className="small" onClick={() => setSelected([])}>
            Clear selection
          </button>
        ) : null}
      </div>
      <DataTable
        label="Runs"
        testId="runs-table"
        caption="Runs"
        columns={[
          { title: <span className="visually-hidden">Select</span> },
          { title: "Status" },
          { title: "Workload" },
          { title: "Threads" },
          { title: "Runtime" },
          { title: "Commit" },
          { title: "Created (UTC)" },
          { title: "Duration", numeric: true },
        ]}
      >
        {runs.map((run) => {
          const ticked = isSelected(run.id);
          return (
            <tr key={run.id} className={ticked ? "selected" : undefined} data-run-id={run.id}>
              <td>
                <input
                  type="checkbox"
                  checked={ticked}
                  onChange={() => toggle(run)}
                  aria-label={`Select run ${run.id}`}
                />
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                <AppLink href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</AppLink>{" "}
                <RunLabels labels={run.labels} seeded={run.seeded} />
                <div className="small muted">{formatParams(run.params)}</div>
              </td>
              <td>
                {run.threads.join(", ")}
                <div className="small muted">{run.modes.join(", ")}</div>
              </td>
              <td className="small">
                <RuntimeLabel testbed={run.testbed} />
                {run.testbed ? <div className="muted">{run.testbed.hostname}</div> : null}
              </td>
              <td className="small">
                <CommitRef sha={run.commitSha} template={commitTemplate} message={run.commitMessage} />
                {run.branch ? <div className="muted">{run.branch}</div> : null}
              </td>
              <td className="nowrap small">{formatDateTime(run.createdAt)}</td>
              <td className="num">{formatDuration(run.durationMs)}</td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
