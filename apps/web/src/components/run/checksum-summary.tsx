import { Badge } from "../ui";
import type { Measurement } from "./run-data";

/** Whether every cell computed the sequential baseline's answer; a mismatch is an alert. */
export function ChecksumSummary({ measurements }: { measurements: readonly Measurement[] }) {
  const mismatches = measurements.filter((measurement) => measurement.checksumStatus === "MISMATCH");
  const checked = measurements.filter((measurement) => measurement.checksumStatus === "MATCH").length;
  if (measurements.length === 0) return null;
  if (mismatches.length > 0) {
    return (
      <div className="callout error" role="alert">
        <strong>Checksum mismatch in {mismatches.length} cell(s)</strong>
        <p>
          {mismatches.map((cell) => `${cell.mode} × ${cell.threads}`).join(", ")} computed a different answer
          from the sequential baseline: those timings measure a different (wrong) computation.
        </p>
      </div>
    );
  }
  return (
    <p className="small" data-testid="checksum-summary">
      <Badge tone="good">checksums agree</Badge>{" "}
      <span className="muted">
        {checked} cell(s) computed the same answer as the sequential baseline
        {measurements.some((measurement) => measurement.checksumStatus === "UNCHECKED")
          ? "; some cells could not be checked"
          : ""}
        .
      </span>
    </p>
  );
}
