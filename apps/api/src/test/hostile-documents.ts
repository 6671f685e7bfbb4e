/**
 * The fragment-expansion attack of issue 11: `levels` fragments, each spreading the
 * previous one twice, so that expanding them writes 2^levels fields while the document
 * stays a few hundred tokens long. Before limits.ts memoised fragments, 22 levels held
 * the event loop for 3 to 6 seconds.
 */
export function fragmentBomb(levels: number): string {
  const fragments = ["fragment F0 on PlanLimits { maxThreads }"];
  for (let level = 1; level <= levels; level++) {
    fragments.push(`fragment F${level} on PlanLimits { ...F${level - 1} ...F${level - 1} }`);
  }
  return `query Bomb { planLimits { ...F${levels} } }\n${fragments.join("\n")}`;
}
