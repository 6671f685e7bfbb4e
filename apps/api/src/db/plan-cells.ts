/** The part of a plan that says which cells its run has: every mode at every thread count. */
export interface PlanCells {
  modes: readonly string[];
  threads: readonly number[];
}

/** A cell as far as `planCellIssues` reads it. */
interface CellOfPlan {
  mode: string;
  threads: number;
  samples: ReadonlyArray<{ index: number }>;
}

/** A problem of one cell, its path relative to the list of cells (`[0, "samples", 1, "index"]`). */
export interface CellIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * What a run's cells may not be, whichever edge they arrive through (recordRun, an
 * agent's storeAgentCell and finishAgentRun): a cell outside its plan's modes and thread
 * counts (it would start a series the plan never asked for), the same cell twice, or a
 * sample index twice (the store keeps one sample per index).
 */
export function planCellIssues(plan: PlanCells, cells: readonly CellOfPlan[]): CellIssue[] {
  const issues: CellIssue[] = [];
  const seen = new Map<string, number>();
  cells.forEach((cell, index) => {
    const name = `${cell.mode} x${cell.threads}`;
    const first = seen.get(`${cell.mode}/${cell.threads}`);
    if (first === undefined) seen.set(`${cell.mode}/${cell.threads}`, index);
    else issues.push({ path: [index], message: `duplicate cell ${name} (the same as cells[${first}])` });
    if (!plan.modes.includes(cell.mode)) {
      issues.push({
        path: [index, "mode"],
        message: `cell ${name} is not in the plan: "${cell.mode}" is not one of its modes (allowed: ${plan.modes.join(", ")})`,
      });
    }
    if (!plan.threads.includes(cell.threads)) {
      issues.push({
        path: [index, "threads"],
        message: `cell ${name} is not in the plan: ${cell.threads} is not one of its thread counts (allowed: ${plan.threads.join(", ")})`,
      });
    }
    const indexes = new Map<number, number>();
    cell.samples.forEach((sample, position) => {
      const earlier = indexes.get(sample.index);
      if (earlier === undefined) indexes.set(sample.index, position);
      else {
        issues.push({
          path: [index, "samples", position, "index"],
          message: `sample index ${sample.index} is already samples[${earlier}]'s (allowed: each index once)`,
        });
      }
    });
  });
  return issues;
}
