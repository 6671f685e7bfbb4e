/** Small presentational pieces shared by the pages (server-safe: no hooks; TokenPrompt is a client island). */

import type { ReactNode } from "react";
import type { RunStatus } from "../generated/graphql";
import type { ApiError } from "../graphql/execute";
import { runStatusLabels, runStatusTone, type Tone } from "../lib/labels";
import { AppLink } from "./app-link";
import { EmptyState } from "./data-table";
import { TokenPrompt } from "./token-field";

export function Badge({
  tone = "neutral",
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge ${tone === "neutral" ? "" : tone}`} title={title}>
      {children}
    </span>
  );
}

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge tone={runStatusTone(status)}>
      <span data-status={status}>{runStatusLabels[status]}</span>
    </Badge>
  );
}

/** Labels of a run; `seeded` runs are marked as synthetic, never mistaken for measurements. */
export function RunLabels({ labels, seeded }: { labels: readonly string[]; seeded: boolean }) {
  const shown = labels.filter((label) => label !== "seeded");
  if (!seeded && shown.length === 0) return null;
  return (
    <span className="labels">
      {seeded ? (
        <span
          className="badge seeded"
          title="Synthetic history from `threadbench db seed`: not a real measurement"
        >
          seeded
        </span>
      ) : null}
      {shown.map((label) => (
        <span key={label} className="badge">
          {label}
        </span>
      ))}
    </span>
  );
}

export function ErrorCallout({
  error,
  title = "Could not load this page",
}: {
  error: ApiError;
  title?: string;
}) {
  return (
    <div className="callout error" role="alert">
      <strong>{title}</strong>
      <p>{error.message}</p>
      {error.issues.length > 0 ? (
        <ul>
          {error.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN" ? <TokenPrompt /> : null}
    </div>
  );
}

/** What the API cannot tell yet: said plainly instead of showing made-up numbers. */
export function NotInApi({ children }: { children: ReactNode }) {
  return (
    <div className="callout info small">
      <p>{children}</p>
    </div>
  );
}

export function EmptyRuns() {
  return (
    <EmptyState title="No runs yet">
      <p>Every run threadbench stores shows up here, with its scaling curve and its history.</p>
      <div className="actions">
        <AppLink className="button primary" href="/runs/new">
          Start a run
        </AppLink>
      </div>
      <p>Or record results from a terminal or from CI:</p>
      <pre>
        {`npm run threadbench -- run --workload sum-squares --threads 1,2,4
npm run threadbench -- ingest results.json   # results from CI or another runtime
npm run threadbench -- db seed               # a demo history, labelled "seeded"`}
      </pre>
    </EmptyState>
  );
}
