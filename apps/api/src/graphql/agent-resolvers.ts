import { z } from "zod";
import {
  agentNameSchema,
  cellSchema,
  environmentSchema,
  progressSchema,
  resultSchema,
  sessionIdSchema,
} from "../agent/protocol.js";
import {
  agentMatchesTarget,
  agentsByIds,
  describeTarget,
  findAgentByName,
  isAgentOnline,
  listAgents,
  type QueuedRunTarget,
  queuedRunTargets,
  requireAgentSession,
  runningRunIdsByAgent,
  runsInOrder,
  type StoredAgent,
} from "../db/agent-repository.js";
import type { StoredRun } from "../db/run-rows.js";
import { NotFoundError, UserInputError } from "../errors.js";
import type {
  AgentResolvers,
  AgentSignalKind,
  AgentSignalResolvers,
  MutationResolvers,
  QueryResolvers,
  QueueResolvers,
  RunResolvers,
  RunTargetInput,
  SubscriptionResolvers,
} from "../generated/graphql.js";
import { requireScope } from "../services/auth.js";
import { type AgentSignal, pushIterator } from "../services/events.js";
import type { RunTargetRequest } from "../services/run-queue.js";
import { type AgentView, waitingReason } from "../services/waiting-reason.js";
import type { GraphQLContext } from "./context.js";
import { agentLabelsSchema, validate } from "./inputs.js";

// Agents: the Machines page's queries, the run target of startRun, and the agents'
// protocol (mutations and one subscription, all needing a token with the `agent` scope).

const versionSchema = z.string().trim().max(64, "allowed: at most 64 characters");

/** What resolvers of one request share: agents, who runs what, the queue; read once. */
interface AgentRequestCache {
  agents?: Promise<StoredAgent[]>;
  running?: Promise<Map<string, string[]>>;
  queued?: Promise<QueuedRunTarget[]>;
}
const caches = new WeakMap<object, AgentRequestCache>();

function cacheOf(context: GraphQLContext): AgentRequestCache {
  let cache = caches.get(context.loaders);
  if (!cache) {
    cache = {};
    caches.set(context.loaders, cache);
  }
  return cache;
}

function allAgents(context: GraphQLContext): Promise<StoredAgent[]> {
  const cache = cacheOf(context);
  cache.agents ??= listAgents(context.database);
  return cache.agents;
}

function runningByAgent(context: GraphQLContext): Promise<Map<string, string[]>> {
  const cache = cacheOf(context);
  cache.running ??= runningRunIdsByAgent(context.database);
  return cache.running;
}

function queuedTargets(context: GraphQLContext): Promise<QueuedRunTarget[]> {
  const cache = cacheOf(context);
  cache.queued ??= queuedRunTargets(context.database);
  return cache.queued;
}

async function agentById(context: GraphQLContext, id: string): Promise<StoredAgent | null> {
  const agents = await allAgents(context);
  return agents.find((agent) => agent.id === id) ?? (await agentsByIds(context.database, [id]))[0] ?? null;
}

/**
 * startRun's `target` as the queue takes it: an agent by id or name (NOT_FOUND when
 * unknown), or labels, or nothing (any agent).
 */
export async function resolveRunTarget(
  context: GraphQLContext,
  input: RunTargetInput | null | undefined,
): Promise<RunTargetRequest | undefined> {
  if (!input) return undefined;
  const given = [input.agentId, input.agentName, input.labels].filter((value) => value != null);
  if (given.length > 1) {
    throw new UserInputError([
      {
        path: "target",
        message: "give one of agentId, agentName or labels (allowed: exactly one, or no target)",
      },
    ]);
  }
  if (input.agentId != null) {
    const agent = await agentById(context, input.agentId);
    if (!agent) throw new NotFoundError("agent", input.agentId);
    return { agent, labels: [] };
  }
  if (input.agentName != null) {
    const agent = await findAgentByName(
      context.database,
      validate(agentNameSchema, input.agentName, "target.agentName"),
    );
    if (!agent) throw new NotFoundError("agent", input.agentName);
    return { agent, labels: [] };
  }
  const labels = input.labels != null ? validate(agentLabelsSchema, input.labels, "target.labels") : [];
  return { agent: null, labels: [...new Set(labels)].sort() };
}

function agentViews(agents: StoredAgent[], running: Map<string, string[]>, leaseMs: number): AgentView[] {
  const now = new Date();
  return agents.map((agent) => ({
    id: agent.id,
    name: agent.name,
    labels: agent.labels,
    online: isAgentOnline(agent, leaseMs, now),
    lastSeenAt: agent.lastSeenAt,
    runningRunIds: running.get(agent.id) ?? [],
  }));
}

export const agentQueryResolvers: Pick<Required<QueryResolvers>, "agents" | "agent" | "agentSettings"> = {
  agents: (_parent, _args, context) => allAgents(context),
  agent: async (_parent, { id, name }, context) => {
    if ((id == null) === (name == null)) {
      throw new UserInputError([{ path: "id", message: "give either id or name (allowed: exactly one)" }]);
    }
    if (id != null) return agentById(context, id);
    return findAgentByName(context.database, name as string);
  },
  agentSettings: (_parent, _args, context) => ({
    leaseSeconds: Math.round(context.queue.leaseMs / 1000),
    heartbeatIntervalMs: context.queue.heartbeatIntervalMs,
    maxQueuedRuns: context.queue.limits.maxQueuedRuns,
    maxQueuedRunsPerTarget: context.queue.limits.maxQueuedRunsPerTarget,
  }),
};

const sessionArgument = (value: string) => validate(sessionIdSchema, value, "sessionId");

export const agentMutationResolvers: Pick<
  Required<MutationResolvers>,
  "registerAgent" | "claimRun" | "agentHeartbeat" | "storeAgentCell" | "finishAgentRun" | "disconnectAgent"
> = {
  registerAgent: async (_parent, { input }, context) => {
    const tokenName = requireScope(context, "agent");
    const agent = await context.queue.register({
      sessionId: validate(sessionIdSchema, input.sessionId, "input.sessionId"),
      name: validate(agentNameSchema, input.name, "input.name"),
      labels: [...new Set(validate(agentLabelsSchema, input.labels, "input.labels"))].sort(),
      environment: validate(environmentSchema, input.environment, "input.environment"),
      version: input.version != null ? validate(versionSchema, input.version, "input.version") : null,
      tokenName,
    });
    return {
      agent,
      leaseSeconds: Math.round(context.queue.leaseMs / 1000),
      heartbeatIntervalMs: context.queue.heartbeatIntervalMs,
    };
  },
  claimRun: async (_parent, { sessionId }, context) => {
    requireScope(context, "agent");
    return context.queue.claim(sessionArgument(sessionId));
  },
  agentHeartbeat: async (_parent, { sessionId, runId, progress }, context) => {
    requireScope(context, "agent");
    return context.queue.heartbeat(
      sessionArgument(sessionId),
      runId ?? null,
      progress != null ? validate(progressSchema, progress, "progress") : null,
    );
  },
  storeAgentCell: async (_parent, { sessionId, runId, cell }, context) => {
    requireScope(context, "agent");
    return context.queue.storeCell(sessionArgument(sessionId), runId, validate(cellSchema, cell, "cell"));
  },
  finishAgentRun: async (_parent, { sessionId, runId, result }, context) => {
    requireScope(context, "agent");
    return context.queue.finish(sessionArgument(sessionId), runId, validate(resultSchema, result, "result"));
  },
  disconnectAgent: async (_parent, { sessionId }, context) => {
    requireScope(context, "agent");
    await context.queue.disconnect(sessionArgument(sessionId));
    return true;
  },
};

async function agentSignals(
  context: GraphQLContext,
  sessionId: string,
): Promise<AsyncIterableIterator<AgentSignal>> {
  requireScope(context, "agent");
  const agent = await requireAgentSession(context.database, sessionArgument(sessionId));
  let unsubscribe = () => {};
  const stream = pushIterator<AgentSignal>(() => unsubscribe());
  unsubscribe = context.events.onAgentSignal((signal) => {
    if (signal.kind === "work-available" || signal.agentId === agent.id) stream.push(signal);
  });
  // Whatever was queued while the agent was away: look now.
  stream.push({ kind: "work-available" });
  return stream.iterator;
}

export const agentSubscriptionResolvers: Pick<Required<SubscriptionResolvers>, "agentSignals"> = {
  agentSignals: {
    subscribe: (_parent, { sessionId }, context) => agentSignals(context, sessionId),
    resolve: (payload: AgentSignal) => payload,
  },
};

export const agentSignalResolvers: AgentSignalResolvers = {
  kind: (signal) => {
    switch (signal.kind) {
      case "work-available":
        return "WORK_AVAILABLE" satisfies AgentSignalKind;
      case "cancel":
        return "CANCEL_RUN" satisfies AgentSignalKind;
      default: {
        const unknown: never = signal;
        throw new TypeError(`unknown agent signal ${JSON.stringify(unknown)}`);
      }
    }
  },
  runId: (signal) => (signal.kind === "cancel" ? signal.runId : null),
};

/** Run fields about agents: spread into the Run resolvers. */
export const runAgentResolvers: Pick<
  Required<RunResolvers>,
  "agent" | "target" | "waitingReason" | "cancelRequestedAt"
> = {
  agent: (run, _args, context) => (run.agentId ? agentById(context, run.agentId) : null),
  target: async (run, _args, context) => {
    const agent = run.targetAgentId ? await agentById(context, run.targetAgentId) : null;
    return { agent, labels: run.targetLabels, description: describeTarget(run, agent?.name) };
  },
  waitingReason: async (run, _args, context) => {
    if (run.status !== "queued") return null;
    const [agents, running, queued] = await Promise.all([
      allAgents(context),
      runningByAgent(context),
      queuedTargets(context),
    ]);
    return waitingReason(
      { id: run.id, targetAgentId: run.targetAgentId, targetLabels: run.targetLabels },
      queued,
      agentViews(agents, running, context.queue.leaseMs),
    );
  },
  cancelRequestedAt: (run) => run.cancelRequestedAt,
};

export const agentResolvers: AgentResolvers = {
  online: (agent, _args, context) => isAgentOnline(agent, context.queue.leaseMs),
  testbed: (agent) => agent.testbed,
  currentRun: async (agent, _args, context) => {
    const [runId] = (await runningByAgent(context)).get(agent.id) ?? [];
    return runId ? context.loaders.runById.load(runId) : null;
  },
  queue: async (agent, _args, context) => {
    const queued = await queuedTargets(context);
    const ids = queued
      .filter((run) => agentMatchesTarget(agent, run))
      .slice(0, 50)
      .map((run) => run.id);
    return runsInOrder(context.database, ids);
  },
};

export const queueAgentResolvers: Pick<Required<QueueResolvers>, "runningRuns"> = {
  runningRuns: async (_queue, _args, context): Promise<StoredRun[]> =>
    runsInOrder(context.database, await context.queue.runningRunIds()),
};
