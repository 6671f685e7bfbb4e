/** Small derivative-free minimisers for the scaling fits (a handful of parameters). */

/**
 * Minimum of a unimodal function on [lower, upper]: a grid scan to bracket the best
 * point, then golden-section search to `tolerance`. Also finds the boundary minimum
 * when the function is monotone.
 */
export function minimizeOnInterval(
  objective: (x: number) => number,
  lower: number,
  upper: number,
  options: { gridPoints?: number; tolerance?: number } = {},
): number {
  const gridPoints = options.gridPoints ?? 200;
  const tolerance = options.tolerance ?? 1e-12;
  let bestIndex = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  const step = (upper - lower) / gridPoints;
  for (let index = 0; index <= gridPoints; index++) {
    const value = objective(lower + index * step);
    if (value < bestValue) {
      bestValue = value;
      bestIndex = index;
    }
  }
  let left = lower + Math.max(0, bestIndex - 1) * step;
  let right = lower + Math.min(gridPoints, bestIndex + 1) * step;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let x1 = right - ratio * (right - left);
  let x2 = left + ratio * (right - left);
  let f1 = objective(x1);
  let f2 = objective(x2);
  while (right - left > tolerance) {
    if (f1 <= f2) {
      right = x2;
      x2 = x1;
      f2 = f1;
      x1 = right - ratio * (right - left);
      f1 = objective(x1);
    } else {
      left = x1;
      x1 = x2;
      f1 = f2;
      x2 = left + ratio * (right - left);
      f2 = objective(x2);
    }
  }
  const candidate = (left + right) / 2;
  const gridBest = lower + bestIndex * step;
  return objective(candidate) <= bestValue ? candidate : gridBest;
}

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate. Default 10% of |x| or 0.01. */
  initialStep?: readonly number[];
  /** Stop when the simplex's values span less than this. Default 1e-14. */
  tolerance?: number;
  /** Default 2000. */
  maxIterations?: number;
}

/**
 * Nelder-Mead simplex minimisation (standard coefficients: reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2). Constraints are the caller's: evaluate the objective at
 * projected parameters.
 */
export function nelderMead(
  objective: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): { x: number[]; value: number } {
  const dimension = start.length;
  const tolerance = options.tolerance ?? 1e-14;
  const maxIterations = options.maxIterations ?? 2000;
  let simplex: number[][] = [[...start]];
  for (let axis = 0; axis < dimension; axis++) {
    const vertex = [...start];
    const origin = start[axis] as number;
    vertex[axis] = origin + (options.initialStep?.[axis] ?? (origin !== 0 ? 0.1 * Math.abs(origin) : 0.01));
    simplex.push(vertex);
  }
  let values = simplex.map((vertex) => objective(vertex));
  const combine = (a: readonly number[], b: readonly number[], weight: number): number[] =>
    a.map((value, axis) => value + weight * ((b[axis] as number) - value));

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const order = values
      .map((_, index) => index)
      .sort((a, b) => (values[a] as number) - (values[b] as number));
    simplex = order.map((index) => simplex[index] as number[]);
    values = order.map((index) => values[index] as number);
    const best = values[0] as number;
    const worst = values[dimension] as number;
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance)) break;
    const centroid = new Array<number>(dimension).fill(0);
    for (let vertex = 0; vertex < dimension; vertex++) {
      for (let axis = 0; axis < dimension; axis++) {
        centroid[axis] =
          (centroid[axis] as number) + ((simplex[vertex] as number[])[axis] as number) / dimension;
      }
    }
    const worstVertex = simplex[dimension] as number[];
    const reflected = combine(centroid, worstVertex, -1);
    const reflectedValue = objective(reflected);
    if (reflectedValue < best) {
      const expanded = combine(centroid, worstVertex, -2);
      const expandedValue = objective(expanded);
      const useExpanded = expandedValue < reflectedValue;
      simplex[dimension] = useExpanded ? expanded : reflected;
      values[dimension] = useExpanded ? expandedValue : reflectedValue;
      continue;
    }
    if (reflectedValue < (values[dimension - 1] as number)) {
      simplex[dimension] = reflected;
      values[dimension] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < worst;
    const contracted = combine(centroid, outside ? reflected : worstVertex, 0.5);
    const contractedValue = objective(contracted);
    if (contractedValue < (outside ? reflectedValue : worst)) {
      simplex[dimension] = contracted;
      values[dimension] = contractedValue;
      continue;
    }
    const bestVertex = simplex[0] as number[];
    for (let vertex = 1; vertex <= dimension; vertex++) {
      simplex[vertex] = combine(bestVertex, simplex[vertex] as number[], 0.5);
      values[vertex] = objective(simplex[vertex] as number[]);
    }
  }
  let bestIndex = 0;
  for (let index = 1; index <= dimension; index++) {
    if ((values[index] as number) < (values[bestIndex] as number)) bestIndex = index;
  }
  return { x: simplex[bestIndex] as number[], value: values[bestIndex] as number };
}
