import type { Metadata } from "next";
import { connection } from "next/server";

export const metadata: Metadata = { title: "Server render floor", robots: { index: false } };

/**
 * Not linked from the dashboard: the fixture of `npm run bench`'s server render floor. A
 * page rendered per request (like every page of the dashboard) that queries nothing, so
 * its time to first byte is what `next start` spends on any page before and after the
 * page's own queries: routing, the layout, the RSC payload and the HTML.
 */
export default async function BenchFloorPage() {
  await connection();
  return (
    <>
      <h1>Server render floor</h1>
      <p>An empty page rendered per request, for timing what every page costs before its own queries.</p>
    </>
  );
}
