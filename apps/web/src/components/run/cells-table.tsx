import { formatDuration } from "@threadbench/core";
import { formatRatioPercent, formatSpeedup } from "../../lib/format";
import { cellStatusLabels, checksumStatusLabels, checksumTone, modeDescriptions } from "../../lib/labels";
import { AppLink } from "../app-link";
import { DataTable } from "../data-table";
import { ModeName } from "../names";
import { Efficiency } from "../run-tables";
import { Badge } from "../ui";
import type { Measurement } from "./run-data";

/** Repetitions spread more than this (stddev / mean) are flagged: a busy machine, usually. */
const NOISY_CV = 0.1;

/** Every (mode, threads) cell of a run with its timings, speedup, efficiency and checksum. */
export function CellsTable({
  measurements,
  slots,
}: {
  measurements: readonly Measurement[];
  slots: Map<string, number>;
}) {
  return (
    <>
      <DataTable
        label="Cells"
        testId="cells-table"
        caption="Every (mode, threads) cell of the run"
        columns={[
          { title: "Mode" },
          { title: "Threads", numeric: true },
          { title: "Median", numeric: true },
          { title: "Min – max", numeric: true },
          { title: "CV", numeric: true },
          { title: "Speedup", numeric: true },
          { title: "Efficiency", numeric: true },
          { title: "CPU (median)", numeric: true },
          { title: "Setup", numeric: true },
          {
            title: (
              <span title="The pool's fixed cost per task: round trip of a task that does no work, not in the timings">
                Per-task overhead
              </span>
            ),
            numeric: true,
          },
          { title: "Checksum" },
          { title: "History" },
        ]}
      >
        {measurements.map((measurement) => (
          <tr key={measurement.id}>
            <td title={modeDescriptions[measurement.mode]}>
              <ModeName mode={measurement.mode} slot={slots.get(measurement.mode)} />
              {measurement.status !== "SUCCEEDED" ? (
                <>
                  {" "}
                  <Badge tone="bad" title={measurement.error ?? undefined}>
                    {cellStatusLabels[measurement.status]}
                  </Badge>
                </>
              ) : null}
            </td>
            <td className="num">{measurement.threads}</td>
            <td className="num">{formatDuration(measurement.wall?.median)}</td>
            <td className="num">
              {measurement.wall
                ? `${formatDuration(measurement.wall.min)} – ${formatDuration(measurement.wall.max)}`
                : "–"}
            </td>
            <td className="num">
              {measurement.wall && measurement.wall.cv > NOISY_CV ? (
                <Badge
                  tone="warn"
                  title="Repetitions disagree: the machine was probably busy; treat this cell with care"
                >
                  {formatRatioPercent(measurement.wall.cv, 1)}
                </Badge>
              ) : (
                formatRatioPercent(measurement.wall?.cv, 1)
              )}
            </td>
            <td className="num">
              <strong>{formatSpeedup(measurement.speedup)}</strong>
            </td>
            <td className="num">
              <Efficiency value={measurement.efficiency} />
            </td>
            <td className="num">{formatDuration(measurement.cpu?.median)}</td>
            <td className="num">{formatDuration(measurement.setupMs)}</td>
            <td className="num" data-testid="task-overhead">
              {formatDuration(measurement.taskOverheadMs)}
            </td>
            <td>
              <Badge
                tone={checksumTone(measurement.checksumStatus)}
                title={measurement.checksum ? `checksum ${measurement.checksum}` : undefined}
              >
                {checksumStatusLabels[measurement.checksumStatus]}
              </Badge>
            </td>
            <td>
              <AppLink href={`/series/${encodeURIComponent(measurement.seriesKey)}`}>history</AppLink>
            </td>
          </tr>
        ))}
      </DataTable>
      <p className="chart-caption">
        {measurements[0]?.sampleCount ?? 0} timed repetition(s) per cell. Speedup: median sequential wall time
        ÷ median wall time of the cell; efficiency: speedup ÷ threads. CV: standard deviation ÷ mean of the
        repetitions, flagged above {NOISY_CV * 100}%: such cells measured a busy machine as much as the code.
        Efficiency above 100% is superlinear and marked: it says more about the baseline or the caches than
        about the parallel code.
        {measurements.some((measurement) => measurement.taskOverheadMs !== null) ? (
          <>
            {" "}
            Per-task overhead: the median round trip of a task that does no work through the cell's own pool,
            measured before its repetitions. The wall times do not contain it (pooled repetitions are timed on
            the threads); an application that hands each task to such a pool pays it on top.
          </>
        ) : null}
      </p>
    </>
  );
}
