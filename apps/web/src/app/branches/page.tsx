import type { Metadata } from "next";
import { AppLink } from "../../components/app-link";
import { ErrorCallout } from "../../components/ui";
import { BranchesQuery } from "../../graphql/queries";
import { serverQuery } from "../../graphql/server";
import { branchReviewHref } from "../../lib/branch-review";

export const metadata: Metadata = { title: "Branches" };

/** Every branch with stored series, each linked to its review against main. */
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
  const branches = result.data.seriesFacets.branches.filter((branch) => branch !== "");
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Branches</h1>
          <p className="subtitle">
            Each branch against main, as <code>threadbench check --base main</code> decides it. CI can link
            straight to <code>/branches/&lt;branch&gt;?base=main</code>.
          </p>
        </div>
      </div>
      <section className="panel">
        {branches.length === 0 ? (
          <p className="muted">No run has recorded a branch yet.</p>
        ) : (
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0, gap: 6 }}>
            {branches.map((branch) => (
              <li key={branch}>
                <AppLink href={branchReviewHref(branch, "main")}>{branch}</AppLink>
                {branch === "main" ? (
                  <span className="muted small"> (its latest run against the one before)</span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
