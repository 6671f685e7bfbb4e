import { formatDuration, runtimeLabel } from "@threadbench/core";
import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags } from "./command.js";
import { formatBytes, formatPercent, formatRatio, table } from "./format.js";

export const showCommand: CliCommand = {
  name: "show",
  summary: "Print one stored run with its measurements",
  help: `
Usage: threadbench show RUN_ID [--samples] [--json]

Prints a stored run: plan, status, testbed, commit and branch, and one row per
(mode, threads) measurement with its median wall time, spread, speedup and
efficiency against the sequential baseline.

Flags:
  --samples  Also print every repetition sample (always included with --json)
  --json     Print the run, measurements and samples as JSON
${serverHelp}
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { samples: { type: "boolean" }, json: { type: "boolean" }, ...serverFlag },
      true,
    );
    const [id, ...extra] = positionals;
    if (!id) throw new CliUsageError("expected a run id (see `threadbench runs`)");
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    const store = await openCliStore(io, values.server);
    try {
      const run = await store.runDetail(id, { samples: Boolean(values.json || values.samples) });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        return 0;
      }
      const lines = [
        `run       ${run.id}  ${run.status}${run.error ? `: ${run.error}` : ""}`,
        `workload  ${run.workloadId} ${run.paramsKey}  (${run.scaling} scaling, ${run.repetitions} repetitions, ${run.warmups} warm-ups)`,
        `source    ${run.source}${run.seeded ? " (SEEDED: synthetic data)" : ""}${run.labels.length ? `  labels: ${run.labels.join(", ")}` : ""}`,
        `git       ${run.commitSha ?? "-"} on ${run.branch ?? "-"}`,
        ...(run.commitMessage ? [`message   ${run.commitMessage}`] : []),
        `project   ${run.project}`,
        ...(run.workloadModule
          ? [`module    ${run.workloadModule} (sha256 ${run.workloadHash ?? "-"})`]
          : []),
        `dates     created ${run.createdAt.toISOString()}${run.startedAt ? `, started ${run.startedAt.toISOString()}` : ""}${run.finishedAt ? `, finished ${run.finishedAt.toISOString()}` : ""}`,
      ];
      if (run.testbed) {
        const testbed = run.testbed;
        lines.push(
          `testbed   ${testbed.hostname}: ${testbed.cpuModel}, ${testbed.logicalCores} logical cores, ${formatBytes(testbed.memoryBytes)}; ${runtimeLabel(testbed)} on ${testbed.os} ${testbed.arch}`,
        );
      }
      io.stdout.write(`${lines.join("\n")}\n`);
      if (run.measurements.length > 0) {
        const rows = [
          ["MODE", "THREADS", "STATUS", "MEDIAN", "CV", "SPEEDUP", "EFFICIENCY", "CHECKSUM", "SAMPLES"],
          ...run.measurements.map((measurement) => [
            measurement.mode,
            String(measurement.threads),
            measurement.status,
            formatDuration(measurement.wall?.median),
            formatPercent(measurement.wall?.cv),
            formatRatio(measurement.speedup),
            formatPercent(measurement.efficiency),
            measurement.checksumStatus,
            String(measurement.sampleCount),
          ]),
        ];
        io.stdout.write(`\n${table(rows, new Set([1, 3, 4, 5, 6, 8]))}\n`);
      }
      if (values.samples) {
        for (const measurement of run.measurements) {
          io.stdout.write(`\n${measurement.mode} x${measurement.threads}:\n`);
          for (const sample of measurement.samples) {
            io.stdout.write(
              `  #${sample.index}  wall ${formatDuration(sample.wallMs)}  cpu ${formatDuration(sample.cpuMs)}  tasks ${sample.taskDurationsMs.map((value) => formatDuration(value)).join(" ")}\n`,
            );
          }
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
