import { formatParams } from "../../lib/format";
import { scalingKindLabels } from "../../lib/labels";
import { AppLink } from "../app-link";
import { CommitRef, RuntimeLabel } from "../names";
import { RunLabels, StatusBadge } from "../ui";
import type { RunDetail } from "./run-data";

/** The run page's heading: workload, status, runtime, parameters, commit, and its links. */
export function RunHeader({ run, commitTemplate }: { run: RunDetail; commitTemplate: string | null }) {
  return (
    <div className="page-head">
      <div>
        <div className="breadcrumbs">
          <AppLink href="/runs">Runs</AppLink> / <span className="mono">{run.id}</span>
        </div>
        <h1>
          {run.workload?.title ?? run.workloadId} <StatusBadge status={run.status} />{" "}
          <RunLabels labels={run.labels} seeded={run.seeded} />
        </h1>
        <p className="subtitle">
          <RuntimeLabel testbed={run.testbed} />
          {run.testbed ? ` on ${run.testbed.hostname}` : ""} · {formatParams(run.params)} ·{" "}
          {scalingKindLabels[run.scaling]} scaling · {run.threads.join(", ")} threads
          {run.commitSha ? (
            <>
              {" "}
              · commit <CommitRef sha={run.commitSha} template={commitTemplate} message={run.commitMessage} />
            </>
          ) : null}
          {run.branch ? ` on ${run.branch}` : ""}
        </p>
        {run.commitMessage ? (
          <p className="commit-message" data-testid="commit-message">
            “{run.commitMessage}”
          </p>
        ) : null}
      </div>
      <div className="actions">
        <AppLink className="button" href={`/runs?workload=${encodeURIComponent(run.workloadId)}`}>
          Runs of {run.workloadId}
        </AppLink>
        <AppLink
          className="button"
          href={`/runs?workload=${encodeURIComponent(run.workloadId)}&select=${encodeURIComponent(run.id)}`}
        >
          Compare with…
        </AppLink>
      </div>
    </div>
  );
}
