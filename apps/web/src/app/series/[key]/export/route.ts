/**
 * A series' whole history as CSV or JSON: /series/KEY/export?format=csv&metric=speedup.
 * The API returns at most 5,000 points a request (more are downsampled), so a longer
 * history is read in time windows, halved until each one fits: every point, none twice.
 */
import type { ExportSeriesQuery as ExportSeriesResult, SeriesMetric } from "../../../../generated/graphql";
import { ApiError, executeOperation } from "../../../../graphql/execute";
import { ExportSeriesQuery } from "../../../../graphql/queries";
import { apiUrl } from "../../../../graphql/server";
import {
  badFormatResponse,
  downloadResponse,
  exportErrorResponse,
  exportFormatOf,
} from "../../../../lib/export-response";
import { readAllPoints } from "../../../../lib/history-windows";
import { seriesMetricOf } from "../../../../lib/series-metrics";

export const dynamic = "force-dynamic";

type Point = NonNullable<ExportSeriesResult["history"]>["points"][number];

interface RouteContext {
  params: Promise<{ key: string }>;
}

export async function GET(request: Request, { params }: RouteContext): Promise<Response> {
  // A route handler's params arrive decoded (a page's do not): decoding again turned
  // /series/%25/export into a URIError (500) and %2541 into another key.
  const { key } = await params;
  const search = new URL(request.url).searchParams;
  const format = exportFormatOf(search.get("format"));
  if (!format) return badFormatResponse(search.get("format"));
  const metric = seriesMetricOf(search.get("metric"));
  try {
    let about: ExportSeriesResult["about"] = null;
    const points: Point[] = await readAllPoints(async (from, to) => {
      const data = await executeOperation(
        apiUrl(),
        ExportSeriesQuery,
        { key, metric: metric.id as SeriesMetric, from, to },
        { init: { cache: "no-store" } },
      );
      about ??= data.about;
      if (!data.history) throw new ApiError("NOT_FOUND", `No series has the key "${key}".`);
      return data.history;
    });
    const series = (about as ExportSeriesResult["about"])?.series;
    return downloadResponse({
      format,
      nameParts: [
        "threadbench-series",
        series?.workloadId ?? "",
        series?.mode ?? "",
        `x${series?.threads ?? ""}`,
        series?.branch ?? "",
        metric.word,
      ],
      json: { exportedAt: new Date().toISOString(), metric: metric.word, series, points },
      header: ["timestamp", "runId", "measurementId", "commitSha", "branch", metric.word, "low", "high"],
      rows: points.map((point) => [
        point.timestamp,
        point.runId,
        point.measurementId,
        point.commitSha,
        point.branch,
        point.value,
        point.low,
        point.high,
      ]),
    });
  } catch (error) {
    return exportErrorResponse(error);
  }
}
