/**
 * Where a series' benchmark itself changed: consecutive points whose runs measured
 * different sources of the same workload module (SeriesPoint.workloadHash). A step there
 * is the benchmark's doing, not the code's, and the history chart says so with a marker.
 * Built-in and ingested workloads have no hash: they never get one.
 */

export interface HashedPoint {
  runId: string;
  /** ISO date of the measurement. */
  timestamp: string;
  workloadHash?: string | null;
}

export interface BenchmarkChange {
  /** The first run that measured the new source. */
  runId: string;
  timestamp: string;
  fromHash: string;
  toHash: string;
  /** What the chart prints beside the marker line. */
  label: string;
}

/** Short hashes, as git shows commits: enough to tell two versions of a module apart. */
export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}

/**
 * The changes of benchmark source along a history, oldest first. Points without a hash
 * are skipped (not a change to or from anything). On a downsampled history a change is
 * marked at the first shown point with the new hash.
 */
export function benchmarkChanges(points: readonly HashedPoint[]): BenchmarkChange[] {
  const ordered = [...points].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const changes: BenchmarkChange[] = [];
  let previous: string | null = null;
  for (const point of ordered) {
    const hash = point.workloadHash ?? null;
    if (hash === null) continue;
    if (previous !== null && hash !== previous) {
      changes.push({
        runId: point.runId,
        timestamp: point.timestamp,
        fromHash: previous,
        toHash: hash,
        label: `benchmark changed ${shortHash(previous)} → ${shortHash(hash)}`,
      });
    }
    previous = hash;
  }
  return changes;
}
