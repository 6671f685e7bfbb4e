/**
 * The runs table's view (the same filters and order as /runs) as CSV or JSON:
 * /runs/export?format=csv&workload=sum-squares&branch=main. Pages through the API's
 * runs connection, 200 runs a request, up to `maxExportRuns`.
 */
import type { RunOrder } from "../../../generated/graphql";
import { executeOperation } from "../../../graphql/execute";
import { ExportRunsQuery } from "../../../graphql/queries";
import { apiUrl } from "../../../graphql/server";
import {
  badFormatResponse,
  downloadResponse,
  exportErrorResponse,
  exportFormatOf,
} from "../../../lib/export-response";
import { runSourceLabels, runStatusLabels } from "../../../lib/labels";
import { parseRunsView, runFilterOf, runOrderOf } from "../../../lib/url-state";

export const dynamic = "force-dynamic";

/** Rows one export holds at most (50 API pages): beyond, narrow the filters. */
const maxExportRuns = 10_000;
const apiPage = 200;

export async function GET(request: Request): Promise<Response> {
  const search = new URL(request.url).searchParams;
  const format = exportFormatOf(search.get("format"));
  if (!format) return badFormatResponse(search.get("format"));
  const view = parseRunsView(search);
  const filter = runFilterOf(view.filters);
  try {
    type Node = Awaited<ReturnType<typeof fetchPage>>["runs"]["nodes"][number];
    const fetchPage = (after: string | null) =>
      executeOperation(
        apiUrl(),
        ExportRunsQuery,
        {
          filter,
          orderBy: runOrderOf(view) as RunOrder,
          first: apiPage,
          after,
        },
        { init: { cache: "no-store" } },
      );
    const runs: Node[] = [];
    let after: string | null = null;
    let totalCount = 0;
    let more = true;
    while (more && runs.length < maxExportRuns) {
      const page = await fetchPage(after);
      totalCount = page.runs.totalCount;
      runs.push(...page.runs.nodes);
      after = page.runs.pageInfo.endCursor ?? null;
      more = page.runs.pageInfo.hasNextPage && after !== null;
    }
    const rows = runs.slice(0, maxExportRuns);
    const truncated = totalCount > rows.length;
    return downloadResponse({
      format,
      nameParts: ["threadbench-runs", ...Object.values(view.filters).map(String)],
      truncated,
      json: {
        exportedAt: new Date().toISOString(),
        filters: view.filters,
        order: { sort: view.sort, direction: view.direction },
        totalCount,
        truncated,
        runs: rows,
      },
      header: [
        "id",
        "createdAt",
        "status",
        "workload",
        "params",
        "branch",
        "commitSha",
        "commitMessage",
        "runtime",
        "hostname",
        "source",
        "harness",
        "project",
        "labels",
        "seeded",
        "startedAt",
        "finishedAt",
        "durationMs",
      ],
      rows: rows.map((run) => [
        run.id,
        run.createdAt,
        runStatusLabels[run.status],
        run.workloadId,
        JSON.stringify(run.params),
        run.branch,
        run.commitSha,
        run.commitMessage,
        run.testbed?.runtimeLabel,
        run.testbed?.hostname,
        runSourceLabels[run.source],
        run.harness,
        run.project,
        run.labels.join(";"),
        run.seeded,
        run.startedAt,
        run.finishedAt,
        run.durationMs,
      ]),
    });
  } catch (error) {
    return exportErrorResponse(error);
  }
}
