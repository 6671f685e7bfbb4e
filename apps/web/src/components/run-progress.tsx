"use client";

import { formatDuration } from "@threadbench/core";
import { createClient } from "graphql-ws";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import {
  CancelRunDocument,
  RunProgressDocument,
  RunProgressPollDocument,
  type RunProgressSubscription,
  type RunStatus,
} from "../generated/graphql";
import { ApiError, executeOperation } from "../graphql/execute";
import { formatRatioPercent } from "../lib/format";
import { isActiveStatus } from "../lib/labels";
import { browserWebSocketUrl, webSocketConnectionParams } from "../lib/token";
import { TokenField, useApiToken } from "./token-field";
import { StatusBadge } from "./ui";

type Progress = RunProgressSubscription["runProgress"];

export interface RunProgressPanelProps {
  runId: string;
  initialStatus: RunStatus;
  initialProgress: Progress | null;
  queuePosition: number | null;
  /** The API's WebSocket URL as configured on the dashboard's server. */
  webSocketUrl: string;
}

/**
 * Live progress of a queued or running run, from the runProgress subscription
 * (falling back to polling through /graphql when the WebSocket cannot connect),
 * with cancel. When the run ends the page reloads its data to show the results.
 */
export function RunProgressPanel({
  runId,
  initialStatus,
  initialProgress,
  queuePosition,
  webSocketUrl,
}: RunProgressPanelProps) {
  const router = useRouter();
  const [status, setStatus] = useState(initialStatus);
  const [progress, setProgress] = useState<Progress | null>(initialProgress);
  const [transport, setTransport] = useState<"connecting" | "live" | "polling">("connecting");
  const [cancelState, setCancelState] = useState<"idle" | "sending" | "sent">("idle");
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [token] = useApiToken();
  const refreshed = useRef(false);

  useEffect(() => {
    if (!isActiveStatus(initialStatus)) return;
    let stopped = false;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (finalStatus: RunStatus) => {
      if (refreshed.current) return;
      refreshed.current = true;
      setStatus(finalStatus);
      router.refresh();
    };
    const apply = (next: Progress) => {
      setProgress(next);
      setStatus(next.status);
      if (!isActiveStatus(next.status)) finish(next.status);
    };

    const poll = async () => {
      if (stopped) return;
      try {
        const data = await executeOperation("/graphql", RunProgressPollDocument, { id: runId });
        const run = data.run;
        if (run?.progress) apply(run.progress);
        else if (run) {
          setStatus(run.status);
          if (!isActiveStatus(run.status)) finish(run.status);
        }
      } catch {
        // Keep polling: the API may be restarting.
      }
      if (!stopped && !refreshed.current) pollTimer = setTimeout(poll, 1000);
    };

    const client = createClient({
      url: browserWebSocketUrl(webSocketUrl, window.location.hostname),
      // The session's token: a private API refuses the WebSocket without one.
      connectionParams: webSocketConnectionParams,
      retryAttempts: 2,
      lazy: true,
    });
    const unsubscribe = client.subscribe<RunProgressSubscription>(
      { query: RunProgressDocument.toString(), variables: { id: runId } },
      {
        next: (message) => {
          setTransport("live");
          if (message.data) apply(message.data.runProgress);
        },
        error: () => {
          if (stopped) return;
          setTransport("polling");
          void poll();
        },
        complete: () => {
          // The server ends the subscription when the run ends; make sure we show the final state.
          if (!stopped && !refreshed.current) void poll();
        },
      },
    );
    return () => {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      unsubscribe();
      void client.dispose();
    };
  }, [runId, initialStatus, webSocketUrl, router]);

  async function cancel() {
    setCancelError(null);
    if (!token) {
      setCancelError("Enter an API token to cancel this run.");
      return;
    }
    setCancelState("sending");
    try {
      const data = await executeOperation("/graphql", CancelRunDocument, { id: runId }, { token });
      setCancelState("sent");
      setStatus(data.cancelRun.status);
      if (!isActiveStatus(data.cancelRun.status)) router.refresh();
    } catch (error) {
      setCancelState("idle");
      setCancelError(error instanceof ApiError ? error.message : "Cancelling failed; try again.");
    }
  }

  const fraction = progress?.fraction ?? (isActiveStatus(status) ? 0 : 1);
  const percent = Math.round(fraction * 100);
  const active = isActiveStatus(status);

  return (
    <section className="panel" aria-labelledby="progress-heading" data-testid="run-progress">
      <h2 id="progress-heading">
        <span>Progress</span>
        <span className="panel-note">
          {transport === "live"
            ? "live"
            : transport === "polling"
              ? "updating every second (WebSocket unavailable)"
              : "connecting…"}
        </span>
      </h2>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Run progress"
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <div className="progress-meta">
        <span>
          <StatusBadge status={status} /> <strong data-testid="progress-percent">{percent}%</strong>
          {progress ? ` · ${progress.cellsDone} of ${progress.cellsTotal} cells` : ""}
          {progress?.currentCell
            ? ` · now ${progress.currentCell.mode} × ${progress.currentCell.threads} threads`
            : ""}
          {status === "QUEUED" && queuePosition ? ` · position ${queuePosition} in the queue` : ""}
        </span>
        <span>
          {progress ? `elapsed ${formatDuration(progress.elapsedMs)}` : ""}
          {progress?.etaMs !== null && progress?.etaMs !== undefined && active
            ? ` · about ${formatDuration(progress.etaMs)} left`
            : ""}
          {progress && !active ? ` · ${formatRatioPercent(progress.fraction)} of steps done` : ""}
        </span>
      </div>
      {active ? (
        <div className="actions" style={{ marginTop: 12, alignItems: "flex-end" }}>
          {!token || cancelError?.includes("token") ? <TokenField /> : null}
          <button
            type="button"
            className="danger"
            onClick={() => void cancel()}
            disabled={cancelState !== "idle"}
          >
            {cancelState === "sending"
              ? "Cancelling…"
              : cancelState === "sent"
                ? "Cancel requested"
                : "Cancel run"}
          </button>
        </div>
      ) : null}
      {cancelError ? (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      ) : null}
    </section>
  );
}
