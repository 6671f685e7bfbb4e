import { formatDuration } from "@threadbench/core";
import { formatCount, formatDateTime, formatParams } from "../../lib/format";
import { scalingKindLabels } from "../../lib/labels";
import { AppLink } from "../app-link";
import { CommitRef } from "../names";
import type { RunDetail } from "./run-data";

/** What the run was asked to do, who ran it where, and when. */
export function RunPlan({ run, commitTemplate }: { run: RunDetail; commitTemplate: string | null }) {
  return (
    <section className="panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Plan</h2>
      <dl className="facts">
        <dt>Workload</dt>
        <dd>
          {run.workload?.title ?? run.workloadId} <span className="mono muted">({run.workloadId})</span>
        </dd>
        <dt>Parameters</dt>
        <dd className="mono">{formatParams(run.params) || "defaults"}</dd>
        <dt>Modes</dt>
        <dd>{run.modes.join(", ")}</dd>
        <dt>Threads</dt>
        <dd>{run.threads.join(", ")}</dd>
        <dt>Repetitions</dt>
        <dd>
          {run.repetitions} timed + {run.warmups} warm-up per cell
        </dd>
        <dt>Scaling</dt>
        <dd>{scalingKindLabels[run.scaling]}</dd>
        <dt>Task timeout</dt>
        <dd>{formatDuration(run.taskTimeoutMs)}</dd>
        <dt>Heap limit</dt>
        <dd>{run.maxHeapMb ? `${formatCount(run.maxHeapMb)} MiB per worker` : "–"}</dd>
        <dt>Source</dt>
        <dd>
          {run.source === "INGESTED" ? "ingested (results posted from elsewhere)" : "threadbench runner"}
          {run.requestedBy ? ` · requested by ${run.requestedBy}` : ""}
        </dd>
        <dt>Agent</dt>
        <dd data-testid="run-agent">
          {run.agent ? <AppLink href="/machines">{run.agent.name}</AppLink> : "–"}
          {` · runs on ${run.target.description}`}
          {run.waitingReason ? <div className="small">Waiting: {run.waitingReason}</div> : null}
        </dd>
        <dt>Commit</dt>
        <dd>
          <CommitRef sha={run.commitSha} template={commitTemplate} message={run.commitMessage} />
          {run.branch ? ` on ${run.branch}` : ""}
          {run.commitMessage ? <div className="small">{run.commitMessage}</div> : null}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(run.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>
          {formatDateTime(run.finishedAt)}
          {run.durationMs !== null && run.durationMs !== undefined
            ? ` (${formatDuration(run.durationMs)})`
            : ""}
        </dd>
      </dl>
      {run.workload?.description ? <p className="small muted">{run.workload.description}</p> : null}
    </section>
  );
}
