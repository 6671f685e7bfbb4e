import { describeParameters, workloads } from "@threadbench/workloads";
import type { Metadata } from "next";
import { RunForm } from "../../../components/run-form";
import type { WorkloadOption } from "../../../lib/run-form";

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

export default function NewRunPage() {
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
      <section className="panel">
        <RunForm workloads={workloadOptions()} />
      </section>
    </>
  );
}
