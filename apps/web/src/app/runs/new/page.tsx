import { describeParameters, workloads } from "@threadbench/workloads";
import type { Metadata } from "next";
import { RunForm } from "../../../components/run-form";
import { NewRunRuntimesQuery } from "../../../graphql/queries";
import { serverQuery } from "../../../graphql/server";
import {
  nodeRuntimeOption,
  type RuntimeOption,
  runtimeOptionsOf,
  type WorkloadOption,
} from "../../../lib/run-form";

export const metadata: Metadata = { title: "New run" };

/** Plain data for the client form: the workloads as this build of the package describes them. */
function workloadOptions(): WorkloadOption[] {
  return workloads.map((workload) => ({
    id: workload.id,
    title: workload.title,
    description: workload.description,
    unitName: workload.unitName,
    requiresSharedMemory: workload.requiresSharedMemory ?? false,
    parameters: describeParameters(workload),
  }));
}

export default async function NewRunPage() {
  const options = workloadOptions();
  // Which runtimes a plan may name is the server's decision (THREADBENCH_PYTHON): ask it.
  const result = await serverQuery(NewRunRuntimesQuery, {});
  const offered = result.ok ? runtimeOptionsOf(result.data.runtimes) : [];
  const runtimes: RuntimeOption[] =
    offered.length > 0 ? offered : [nodeRuntimeOption(options.map((workload) => workload.id))];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>New run</h1>
          <p className="subtitle">
            Runs the workload sequentially (the baseline) and in each chosen mode at each thread count, then
            shows speedup and efficiency. Keep other work off the machine while it runs.
          </p>
        </div>
      </div>
      {result.ok ? null : (
        <div className="callout warn" role="status">
          <strong>The API did not say which runtimes it offers</strong>
          <p>Only node is offered here ({result.error.message}).</p>
        </div>
      )}
      <section className="panel">
        <RunForm workloads={options} runtimes={runtimes} />
      </section>
    </>
  );
}
