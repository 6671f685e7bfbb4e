import type { RegressionMetric as StoredRegressionMetric } from "../db/vocabulary.js";
import type { RegressionMetric, RegressionResolvers, SeriesMetric } from "../generated/graphql.js";

/** Store value -> GraphQL enum value, in one place. */
const metricValues: Record<StoredRegressionMetric, RegressionMetric> = {
  wall_time: "WALL_TIME",
  efficiency: "EFFICIENCY",
  serial_fraction: "SERIAL_FRACTION",
};

/** GraphQL enum value -> store value: what `regressions(filter: { metric })` selects. */
export const storedMetricValues: Record<RegressionMetric, StoredRegressionMetric> = {
  WALL_TIME: "wall_time",
  EFFICIENCY: "efficiency",
  SERIAL_FRACTION: "serial_fraction",
};

/** The history chart a change belongs on (a serial fraction shows as the efficiency it costs). */
const seriesMetrics: Record<StoredRegressionMetric, SeriesMetric> = {
  wall_time: "WALL_MEDIAN",
  efficiency: "EFFICIENCY",
  serial_fraction: "EFFICIENCY",
};

/** Regression.metric and Regression.seriesMetric, spread into the Regression resolvers. */
export const regressionMetricResolvers: Pick<RegressionResolvers, "metric" | "seriesMetric"> = {
  metric: (regression) => metricValues[regression.metric],
  seriesMetric: (regression) => seriesMetrics[regression.metric],
};
