/** Tables of a run's page that carry judgement: scaling fits and efficiencies (server-safe). */
import type { RunQuery } from "../generated/graphql";
import { formatRatioPercent, formatSpeedup } from "../lib/format";
import { efficiencyNote, fitReadingText, readAmdahlFit, readUslFit } from "../lib/scaling-fits";
import { DataTable } from "./data-table";
import { ModeName } from "./names";
import { Badge } from "./ui";

type Fits = NonNullable<RunQuery["run"]>["scalingFits"];

/** An efficiency, with a word when it is above 100% (superlinear). */
export function Efficiency({ value }: { value: number | null | undefined }) {
  const note = efficiencyNote(value);
  if (!note) return <>{formatRatioPercent(value)}</>;
  return (
    <Badge tone="warn" title={note}>
      <span data-testid="superlinear">{formatRatioPercent(value)} superlinear</span>
    </Badge>
  );
}

/** One law's fit in a cell: its figure, or why it says nothing. */
function FitCell({ text, reading }: { text: string; reading: string | null }) {
  if (reading) {
    return (
      <span className="muted small" data-testid="fit-no-fit">
        {reading}
      </span>
    );
  }
  return <>{text}</>;
}

export function FitsTable({ fits, slots }: { fits: Fits; slots: Map<string, number> }) {
  if (fits.length === 0) return null;
  return (
    <>
      <DataTable
        label="Scaling fits"
        testId="scaling-fits"
        columns={[
          { title: "Mode" },
          { title: "Amdahl serial s", numeric: true },
          { title: "R²", numeric: true },
          { title: "Max speedup", numeric: true },
          { title: "USL a / b", numeric: true },
          { title: "R²", numeric: true },
          { title: "Peak", numeric: true },
        ]}
      >
        {fits.map((fit) => {
          const amdahl = fit.amdahl ? fitReadingText(readAmdahlFit(fit.amdahl)) : null;
          const usl = fit.usl ? fitReadingText(readUslFit(fit.usl)) : null;
          return (
            <tr key={fit.mode}>
              <td>
                <ModeName mode={fit.mode} slot={slots.get(fit.mode)} />
              </td>
              {fit.amdahl && amdahl ? (
                <td className="num" colSpan={3}>
                  <FitCell text="" reading={`Amdahl: ${amdahl}`} />
                </td>
              ) : (
                <>
                  <td className="num">
                    {fit.amdahl ? formatRatioPercent(fit.amdahl.serialFraction, 1) : "–"}
                    {fit.amdahl?.serialFractionStdError ? (
                      <span className="muted small">
                        {" "}
                        ± {formatRatioPercent(fit.amdahl.serialFractionStdError, 1)}
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{fit.amdahl ? fit.amdahl.rSquared.toFixed(3) : "–"}</td>
                  <td className="num">
                    {fit.amdahl
                      ? fit.amdahl.peakSpeedup
                        ? formatSpeedup(fit.amdahl.peakSpeedup)
                        : "unbounded"
                      : "–"}
                  </td>
                </>
              )}
              {fit.usl && usl ? (
                <td className="num" colSpan={3}>
                  <FitCell text="" reading={`USL: ${usl}`} />
                </td>
              ) : (
                <>
                  <td className="num">
                    {fit.usl
                      ? `${fit.usl.contention.toFixed(3)} / ${fit.usl.coherency.toExponential(1)}`
                      : "–"}
                  </td>
                  <td className="num">{fit.usl ? fit.usl.rSquared.toFixed(3) : "–"}</td>
                  <td className="num">
                    {fit.usl?.peakThreads && fit.usl.peakSpeedup
                      ? `${formatSpeedup(fit.usl.peakSpeedup)} at ${Math.round(fit.usl.peakThreads)} threads`
                      : "none in range"}
                  </td>
                </>
              )}
            </tr>
          );
        })}
      </DataTable>
      <p className="chart-caption">
        Amdahl: S(n) = 1 / (s + (1 − s)/n), max speedup 1/s. USL: S(n) = n / (1 + a(n − 1) + b·n(n − 1)); b
        &gt; 0 predicts a peak after which more threads are slower. Fits over few thread counts are rough; a
        fit with R² below 0 or a serial fraction near 100% says nothing and is shown as such, not as a number.
      </p>
    </>
  );
}
