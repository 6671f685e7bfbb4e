import type { RegressionMetric as StoredRegressionMetric } from "@threadbench/core";
import type { RegressionResolvers, SeriesMetric } from "../generated/graphql.js";

/** The history chart a change belongs on (a serial fraction shows as the efficiency it costs). */
const seriesMetrics: Record<StoredRegressionMetric, SeriesMetric> = {
  wall_time: "WALL_MEDIAN",
  efficiency: "EFFICIENCY",
  serial_fraction: "EFFICIENCY",
};

/**
 * Regression.seriesMetric, spread into the Regression resolvers (Regression.metric is the
 * stored value itself: enum-values.ts maps it).
 */
export const regressionMetricResolvers: Pick<RegressionResolvers, "seriesMetric"> = {
  seriesMetric: (regression) => seriesMetrics[regression.metric],
};
