import { randomUUID } from "node:crypto";
import type { CellResult, RunResult } from "@threadbench/core";
import {
  type ClaimRunData,
  claimRunMutation,
  type FinishAgentRunData,
  finishAgentRunMutation,
  registerAgentMutation,
  storeAgentCellMutation,
} from "../agent/protocol.js";
import { collectEnvironment } from "../runner/environment.js";

/**
 * The agents' protocol spoken from a test over real HTTP, with results the test chooses
 * (deterministic cells from makeRunResult): for tests of what the server does with what
 * agents deliver (regression checks, late deliveries), where a real agent process's
 * timings would make the data random. Tests of agents themselves use real processes
 * (agent/agent-process.ts).
 */
export interface ScriptedAgent {
  sessionId: string;
  claim(): Promise<ClaimRunData["claimRun"]>;
  storeCell(runId: string, cell: CellResult): Promise<GraphQLAnswer>;
  finish(
    runId: string,
    result: Pick<RunResult, "status" | "error" | "cells">,
  ): Promise<GraphQLAnswer<FinishAgentRunData>>;
}

export interface GraphQLAnswer<T = Record<string, unknown>> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function send<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLAnswer<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

export async function registerScriptedAgent(options: {
  url: string;
  token: string;
  name: string;
  labels?: string[];
  sessionId?: string;
}): Promise<ScriptedAgent> {
  const sessionId = options.sessionId ?? randomUUID();
  const registered = await send(options.url, options.token, registerAgentMutation, {
    input: {
      sessionId,
      name: options.name,
      labels: options.labels ?? [],
      environment: collectEnvironment(),
      version: "test",
    },
  });
  if (registered.errors) throw new Error(`registration failed: ${JSON.stringify(registered.errors)}`);
  return {
    sessionId,
    async claim() {
      const answer = await send<ClaimRunData>(options.url, options.token, claimRunMutation, { sessionId });
      if (answer.errors) throw new Error(`claim failed: ${JSON.stringify(answer.errors)}`);
      return answer.data?.claimRun ?? null;
    },
    storeCell: (runId, cell) =>
      send(options.url, options.token, storeAgentCellMutation, { sessionId, runId, cell }),
    finish: (runId, result) =>
      send<FinishAgentRunData>(options.url, options.token, finishAgentRunMutation, {
        sessionId,
        runId,
        result: {
          status: result.status,
          error: result.error,
          environment: collectEnvironment(),
          cells: result.cells,
        },
      }),
  };
}
