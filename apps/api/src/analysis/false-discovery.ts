/** Result of {@link controlFalseDiscovery}. */
export interface FalseDiscoveryResult {
  /** Per input p-value (same order): is it a discovery at level q? */
  rejected: boolean[];
  /** Benjamini-Hochberg adjusted p-values (q-values), same order as the input. */
  adjustedPValues: number[];
  /** Largest p-value that was rejected (0 when none was). */
  threshold: number;
}

/**
 * Benjamini-Hochberg step-up procedure: when many series are tested at once, reject the
 * hypotheses with the k smallest p-values, k the largest rank with p_(k) <= k q / m, so
 * that the expected share of false alarms among the alarms stays at most q.
 */
export function controlFalseDiscovery(pValues: readonly number[], q: number): FalseDiscoveryResult {
  const count = pValues.length;
  const order = pValues
    .map((_, index) => index)
    .sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjustedPValues = new Array<number>(count).fill(1);
  let running = 1;
  for (let rank = count; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    running = Math.min(running, ((pValues[index] as number) * count) / rank);
    adjustedPValues[index] = Math.min(1, running);
  }
  let rejectedCount = 0;
  for (let rank = 1; rank <= count; rank++) {
    if ((pValues[order[rank - 1] as number] as number) <= (rank * q) / count) rejectedCount = rank;
  }
  const threshold = rejectedCount > 0 ? (pValues[order[rejectedCount - 1] as number] as number) : 0;
  const rejected = pValues.map((pValue) => rejectedCount > 0 && pValue <= threshold);
  return { rejected, adjustedPValues, threshold };
}
