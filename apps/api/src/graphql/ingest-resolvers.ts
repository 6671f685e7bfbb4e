import { commitSubject } from "../db/git-info.js";
import { ingestRun } from "../db/ingest.js";
import type { StoredRun } from "../db/run-rows.js";
import { UserInputError } from "../errors.js";
import type { MutationResolvers } from "../generated/graphql.js";
import { graphqlOptionNames, parseAdapterName, parseHarnessOptions } from "../ingest/harness-options.js";
import { ingestHarnessFile } from "../ingest/ingest-harness-file.js";
import { requireScope } from "../services/auth.js";
import type { GraphQLContext } from "./context.js";
import { commitMessageSchema, validate } from "./inputs.js";
import type { IngestRunPayloadModel, RegressionModel } from "./models.js";

/**
 * `ingestRun`: a format v1 document (no `adapter`, as before), or a harness's file read
 * by an adapter (`ingest/ingest-harness-file.ts`, the path `threadbench ingest` takes).
 * Each run stored now is announced and checked against its history, one at a time.
 */
export const ingestMutationResolvers: Pick<MutationResolvers<GraphQLContext>, "ingestRun"> = {
  ingestRun: async (_parent, { input, adapter, options }, context) => {
    requireScope(context, "ingest");
    const runs: Array<{ run: StoredRun; created: boolean }> = [];
    let adapterName = "threadbench";
    let detected = false;
    if (adapter == null) {
      runs.push(await ingestRun(context.database, input).catch(withInputPaths));
    } else {
      const named = parseAdapterName(adapter, "adapter");
      const { testbed, checkout, ...rest } = options ?? {};
      const parsed = parseHarnessOptions({ ...rest, machine: testbed ?? undefined }, (field) =>
        graphqlOptionNames(field === "machine" ? "testbed" : field),
      );
      const text = typeof input === "string" ? input : JSON.stringify(input);
      const result = await ingestHarnessFile(context.database, {
        input: { text: text.replace(/^\uFEFF/, "") },
        adapter: named,
        options: parsed,
        git: {
          commitSha: checkout?.commitSha ?? null,
          branch: checkout?.branch ?? null,
          commitMessage:
            checkout?.commitMessage != null
              ? commitSubject(
                  validate(commitMessageSchema, checkout.commitMessage, "options.checkout.commitMessage"),
                )
              : null,
        },
      }).catch(withInputPaths);
      adapterName = result.adapter;
      detected = result.detected;
      runs.push(...result.runs);
    }
    const regressions: RegressionModel[] = [];
    for (const { run, created } of runs) {
      if (!created) continue;
      context.events.publishEvent({
        kind: run.status === "succeeded" ? "succeeded" : run.status === "failed" ? "failed" : "cancelled",
        runId: run.id,
        status: run.status,
        at: new Date(),
      });
      // The run is stored; the check never throws (a failure is logged, the ingest stands).
      regressions.push(...(await context.regressionChecks.check(run.id)));
    }
    const [first] = runs as [{ run: StoredRun; created: boolean }];
    const payload: IngestRunPayloadModel = {
      run: first.run,
      created: first.created,
      regressions,
      adapter: adapterName,
      detected,
      runs,
    };
    return payload;
  },
};

/** The input is the `input` argument: problems in it are named from there. */
function withInputPaths(error: unknown): never {
  if (error instanceof UserInputError) {
    // The summary stays the ingest's own (what `threadbench ingest` prints, also with --server).
    const issues = error.issues.map((issue) => ({ ...issue, path: argumentPath(issue.path) }));
    // A testbed field the file lacks is missing for each of its benchmarks alike: say it once.
    const unique = issues.filter(
      (issue, index) =>
        issues.findIndex((other) => other.path === issue.path && other.message === issue.message) === index,
    );
    throw new UserInputError(unique, error.message);
  }
  throw error;
}

/** Flags of the CLI as the mutation's arguments; a JSON path under `input`; anything else (a line) beside it. */
const flagArguments: Record<string, string> = {
  "--adapter": "adapter",
  "--threads-param": "options.threadsParam",
  "--mode-param": "options.modeParam",
};

function argumentPath(path: string): string {
  const argument = flagArguments[path];
  if (argument) return argument;
  // "<benchmark>: testbed.memoryBytes": a machine fact the file lacks, given as options.testbed.
  const testbedField = /(?:^|: )testbed\.(\w+)$/.exec(path);
  if (testbedField) return `options.testbed.${testbedField[1]}`;
  if (path.startsWith("options.") || path === "adapter") return path;
  if (path === "(root)" || path === "(input)") return "input";
  if (path.startsWith("[")) return `input${path}`;
  return /^[A-Za-z_$][\w$]*(\.|\[|$)/.test(path) ? `input.${path}` : `input (${path})`;
}
