import type { Metadata } from "next";
import { AppLink } from "../components/app-link";

export const metadata: Metadata = { title: "Not found" };

/**
 * Every 404 of the dashboard (unknown paths, a run or series id that does not exist),
 * in the site's own layout, answered with HTTP 404.
 */
export default function NotFound() {
  return (
    <section className="panel empty" data-testid="not-found">
      <h1>Not found</h1>
      <p>
        Nothing here: the address is mistyped, or the run or series it names does not exist (runs can be
        deleted; series keys change when their parameters, branch or testbed do).
      </p>
      <div className="actions">
        <AppLink className="button primary" href="/">
          Overview
        </AppLink>
        <AppLink className="button" href="/runs">
          All runs
        </AppLink>
        <AppLink className="button" href="/series">
          All series
        </AppLink>
      </div>
    </section>
  );
}
