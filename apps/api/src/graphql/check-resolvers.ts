import { z } from "zod";
import type { CheckDecisionResolvers, QueryResolvers } from "../generated/graphql.js";
import { checkBranch } from "../regressions/check-branch.js";
import { parseGateOptions } from "../regressions/gate-options.js";
import { branchSchema, checkInteger, validate } from "./inputs.js";

const nameSchema = z
  .string()
  .trim()
  .min(1, "allowed: 1 to 200 characters")
  .max(200, "allowed: 1 to 200 characters");

/**
 * `threadbench check` on the server (`check --server`): the same checkBranch the CLI
 * calls on a local database, so a CI job that holds only a token gets the same decision,
 * and the same printout, as one that holds the database.
 */
export const checkQueryResolvers: Pick<Required<QueryResolvers>, "check"> = {
  check: async (_parent, { input }, context) => {
    const base = validate(branchSchema, input.base, "input.base");
    const branch = validate(branchSchema, input.branch, "input.branch");
    const workloadId =
      input.workload != null ? validate(nameSchema, input.workload, "input.workload") : undefined;
    const headRunId = input.runId != null ? validate(nameSchema, input.runId, "input.runId") : undefined;
    const minEffectPercent =
      input.minEffectPercent != null
        ? checkInteger(input.minEffectPercent, "input.minEffectPercent", 1, 100)
        : undefined;
    const gate = input.gate != null ? parseGateOptions(input.gate, "input.gate") : undefined;
    return checkBranch(context.database, {
      base,
      branch,
      ...(gate !== undefined ? { gate } : {}),
      ...(workloadId !== undefined ? { workloadId } : {}),
      ...(headRunId !== undefined ? { headRunId } : {}),
      ...(minEffectPercent !== undefined ? { compare: { minEffect: minEffectPercent / 100 } } : {}),
    });
  },
};

export const checkDecisionResolvers: CheckDecisionResolvers = {
  // The check as `threadbench check --json` prints it (the JSON scalar serialises dates).
  report: (check) => check,
};
