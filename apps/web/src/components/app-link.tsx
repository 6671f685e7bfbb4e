// biome-ignore lint/style/noRestrictedImports: the one place that imports Next's <Link>.
import Link from "next/link";
import type { ComponentProps } from "react";

/**
 * Every link of the dashboard: Next's <Link> (client-side navigation, no full page load)
 * without its viewport prefetch. By default Next asks the server for every link that
 * scrolls into view: 26 to 31 background renders per page load here (the nav bar, every
 * run of a 50-row table), each 10-36 ms of the server's CPU on the 100,000-run history,
 * all landing right after the page has loaded, on the same two cores that serve the next
 * click. A dashboard link's page is dynamic (its data is the newest history), so a
 * prefetch could only fetch the shared layout anyway; the page itself renders on click.
 */
export function AppLink(props: Omit<ComponentProps<typeof Link>, "prefetch">) {
  return <Link {...props} prefetch={false} />;
}
