/**
 * Ranks with ties: each group of equal values gets the mean of the ranks it spans
 * (midranks, 1-based). Also returns the tie correction sum over groups of (t^3 - t).
 */
export function midranks(values: ArrayLike<number>): { ranks: Float64Array; tieSum: number } {
  const count = values.length;
  const order = Array.from({ length: count }, (_, index) => index);
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(count);
  let tieSum = 0;
  let start = 0;
  while (start < count) {
    let end = start + 1;
    while (end < count && values[order[end] as number] === values[order[start] as number]) end++;
    const rank = (start + end + 1) / 2;
    for (let position = start; position < end; position++) ranks[order[position] as number] = rank;
    const tied = end - start;
    if (tied > 1) tieSum += tied ** 3 - tied;
    start = end;
  }
  return { ranks, tieSum };
}
