import type { Metadata } from "next";
import { AppLink } from "../../components/app-link";
import { DataTable } from "../../components/data-table";
import { CommitRef, RuntimeLabel } from "../../components/names";
import { ErrorCallout, RunLabels, StatusBadge } from "../../components/ui";
import type { RunStatus } from "../../generated/graphql";
import { BranchesQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { branchReviewHref } from "../../lib/branch-review";
import { formatCount, formatDateTime, formatParams } from "../../lib/format";
import { commitUrlTemplate } from "../../lib/server-config";

export const metadata: Metadata = { title: "Branches" };

/**
 * Every branch with stored series, the most recently run first: its newest run (commit,
 * message, when and where) and its series, each linked to its review against main.
 */
export default async function BranchesPage() {
  const result = await serverQuery(BranchesQuery, {});
  if (!result.ok) {
    return (
      <>
        <h1>Branches</h1>
        <ErrorCallout error={result.error} />
      </>
    );
  }
  const { nodes, totalCount } = result.data.branches;
  const commitTemplate = commitUrlTemplate();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Branches</h1>
          <p className="subtitle">
            Each branch against main, as <code>threadbench check --base main</code> decides it; the most
            recently run first. CI can link straight to <code>/branches/&lt;branch&gt;?base=main</code>.
          </p>
        </div>
      </div>
      <section className="panel">
        {nodes.length === 0 ? (
          <p className="muted">No run has recorded a branch yet.</p>
        ) : (
          <>
            <DataTable
              label="Branches"
              testId="branches-table"
              caption="Branches, the most recently run first"
              columns={[
                { title: "Branch" },
                { title: "Latest run" },
                { title: "Commit" },
                { title: "Runtime" },
                { title: "Series", numeric: true },
              ]}
            >
              {nodes.map((branch) => {
                const run = branch.latestRun;
                return (
                  <tr key={branch.name} data-branch={branch.name}>
                    <td>
                      <AppLink href={branchReviewHref(branch.name, "main")}>{branch.name}</AppLink>
                      {branch.name === "main" ? (
                        <div className="small muted">its latest run against the one before</div>
                      ) : null}
                    </td>
                    {run ? (
                      <>
                        <td>
                          <AppLink href={`/runs/${encodeURIComponent(run.id)}`}>{run.workloadId}</AppLink>{" "}
                          <StatusBadge status={run.status as RunStatus} />{" "}
                          <RunLabels labels={run.labels} seeded={run.seeded} />
                          <div className="small muted">
                            {formatParams(run.params)} ·{" "}
                            <span className="nowrap">{formatDateTime(run.createdAt)}</span>
                          </div>
                        </td>
                        <td className="small">
                          <CommitRef
                            sha={run.commitSha}
                            template={commitTemplate}
                            message={run.commitMessage}
                          />
                          {run.commitMessage ? (
                            <div
                              className="muted clamp-2"
                              data-testid="branch-commit-message"
                              title={run.commitMessage}
                            >
                              “{run.commitMessage}”
                            </div>
                          ) : null}
                        </td>
                        <td className="small">
                          <RuntimeLabel testbed={run.testbed} />
                          {run.testbed ? <div className="muted">{run.testbed.hostname}</div> : null}
                        </td>
                      </>
                    ) : (
                      <td colSpan={3} className="muted small">
                        its runs were deleted
                      </td>
                    )}
                    <td className="num">{formatCount(branch.seriesCount)}</td>
                  </tr>
                );
              })}
            </DataTable>
            {totalCount > nodes.length ? (
              <p className="small muted">
                The {formatCount(nodes.length)} most recently run of {formatCount(totalCount)} branches.
              </p>
            ) : null}
          </>
        )}
      </section>
    </>
  );
}
