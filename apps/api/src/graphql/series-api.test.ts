import { execFileSync } from "node:child_process";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { checkBranch } from "../regressions/check-branch.js";
import { createServer, type ThreadbenchServer } from "../server/create-server.js";
import { describeEachDatabase } from "../test/databases.js";
import { fixtureRun, fixtureRuntimes } from "../test/series-fixtures.js";
import { testServerConfig } from "../test/server-config.js";

// The dashboard's listings over many series and runtimes through real HTTP against
// createServer(), on SQLite and PostgreSQL: the series page and its true count, the facets
// (every stored mode), the branch review (the same verdict as `threadbench check`), the
// latest run per runtime, the efficiency history, and runs started without a commit.

const token = "series-token-0123456789abcdef";

const testConfig = (databaseUrl: string) =>
  testServerConfig(databaseUrl, { tokens: [{ name: "ci", secret: token }] });

async function post<T>(
  server: ThreadbenchServer,
  query: string,
  variables: Record<string, unknown> = {},
  auth = false,
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T };
}

const ingest = "mutation($input: JSON!) { ingestRun(input: $input) { run { id } } }";
const [node, gil, freeThreaded] = fixtureRuntimes as [
  (typeof fixtureRuntimes)[number],
  (typeof fixtureRuntimes)[number],
  (typeof fixtureRuntimes)[number],
];

describeEachDatabase("GraphQL series listings", (databases) => {
  let server: ThreadbenchServer;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await databases.newUrl();
    server = await createServer(testConfig(databaseUrl), {
      logger: pino({ level: process.env.TEST_LOG ?? "silent" }),
    });
    const documents = [
      ...[node, gil, freeThreaded].flatMap((runtime) =>
        Array.from({ length: 6 }, (_, index) =>
          fixtureRun({ index, runtime, key: `api-${runtime.runtimeVersion}` }),
        ),
      ),
      // The pull request: the free-threaded build, 30% slower in its parallel cells.
      fixtureRun({ index: 6, runtime: freeThreaded, key: "api-pr", branch: "feature/slow", slowdown: 1.3 }),
      // And one that changes nothing.
      fixtureRun({ index: 7, runtime: node, key: "api-pr-same", branch: "feature/same" }),
    ];
    for (const input of documents) {
      const result = await post(server, ingest, { input }, true);
      expect(result.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it("pages series with their latest value, change and a true total count", async () => {
    const query = `query($first: Int, $offset: Int, $filter: SeriesFilter) {
      seriesPage(first: $first, offset: $offset, filter: $filter) {
        totalCount offset
        nodes { series { key mode threads branch project harness testbed { runtimeLabel } } recent latestValue latestAt change openRegressions }
      } }`;
    const first = await post<{
      seriesPage: {
        totalCount: number;
        offset: number;
        nodes: Array<{
          series: { key: string };
          recent: number[];
          latestValue: number;
          change: number | null;
        }>;
      };
    }>(server, query, { first: 5, offset: 0 });
    expect(first.errors).toBeUndefined();
    const page = first.data?.seriesPage;
    const stored = await post<{ seriesList: Array<{ key: string }> }>(
      server,
      "{ seriesList(first: 500) { key } }",
    );
    expect(page?.totalCount).toBe(stored.data?.seriesList.length);
    expect(page?.nodes).toHaveLength(5);
    const node0 = page?.nodes[0];
    expect(node0?.recent.length).toBeGreaterThan(0);
    expect(node0?.latestValue).toBe(node0?.recent.at(-1));
    const second = await post<typeof first.data>(server, query, { first: 5, offset: 5 });
    expect(second.data?.seriesPage.offset).toBe(5);
    expect(
      second.data?.seriesPage.nodes.some((entry) =>
        page?.nodes.some((other) => other.series.key === entry.series.key),
      ),
    ).toBe(false);

    const threading = await post<typeof first.data>(server, query, {
      first: 200,
      filter: { mode: "threading", runtime: "cpython 3.13.1t", branch: "main" },
    });
    expect(threading.data?.seriesPage.totalCount).toBe(3);
  });

  it("finds a series by its parts, with scaling WEAK by default and no series for the other scaling", async () => {
    const listed = await post<{
      seriesList: Array<{
        key: string;
        workloadId: string;
        params: Record<string, unknown>;
        mode: string;
        threads: number;
        scaling: string;
        branch: string | null;
        testbed: { id: string } | null;
      }>;
    }>(
      server,
      "{ seriesList(first: 500) { key workloadId params mode threads scaling branch testbed { id } } }",
    );
    const target = listed.data?.seriesList.find(
      (series) => series.mode === "threading" && series.branch === "main",
    );
    expect(target).toBeDefined();
    const found = async (scaling: string | null) =>
      post<{ series: { series: { key: string } } | null }>(
        server,
        "query($parts: SeriesParts) { series(parts: $parts, maxPoints: 10) { series { key } } }",
        {
          parts: {
            workload: target?.workloadId,
            params: target?.params,
            mode: target?.mode,
            threads: target?.threads,
            branch: target?.branch,
            testbedId: target?.testbed?.id,
            ...(scaling ? { scaling } : {}),
          },
        },
      );
    expect(target?.scaling).toBe("WEAK");
    expect((await found(null)).errors).toBeUndefined();
    expect((await found(null)).data?.series?.series.key).toBe(target?.key);
    expect((await found("WEAK")).data?.series?.series.key).toBe(target?.key);
    expect((await found("STRONG")).data?.series).toBeNull();
  });

  it("offers every stored mode as a filter, not only the runner's four", async () => {
    const result = await post<{
      seriesFacets: { modes: string[]; testbeds: Array<{ runtimeLabel: string }> };
    }>(
      server,
      "{ seriesFacets { modes workloads threads branches projects harnesses testbeds { id runtimeLabel hostname } } }",
    );
    expect(result.data?.seriesFacets.modes).toEqual([
      "multiprocessing",
      "sequential",
      "threading",
      "worker-threads",
    ]);
    expect(result.data?.seriesFacets.testbeds.map((testbed) => testbed.runtimeLabel).sort()).toEqual([
      "cpython 3.13.1",
      "cpython 3.13.1t",
      "node 20.20.2",
    ]);
  });

  it("reviews a branch with the same verdict as threadbench check", async () => {
    const query = `query($branch: String!, $base: String!) {
      branchReview(branch: $branch, base: $base) {
        branch base regressed
        checks { workloadId verdict head { id commitSha } base { id } warnings
          reasons { kind mode threads relativeChange relativeChangeLow relativeChangeHigh efficiencyBase efficiencyHead }
          cells { mode threads status verdict relativeChange relativeChangeLow relativeChangeHigh confidence pValue } }
      } }`;
    const slow = await post<{
      branchReview: {
        regressed: boolean;
        checks: Array<{
          verdict: string;
          head: { id: string };
          base: { id: string } | null;
          reasons: Array<{
            kind: string;
            mode: string;
            threads: number | null;
            relativeChange: number | null;
          }>;
          cells: Array<{
            mode: string;
            threads: number;
            verdict: string | null;
            relativeChange: number | null;
          }>;
        }>;
      };
    }>(server, query, { branch: "feature/slow", base: "main" });
    expect(slow.errors).toBeUndefined();
    const review = slow.data?.branchReview;
    expect(review?.regressed).toBe(true);
    expect(review?.checks).toHaveLength(1);
    const check = review?.checks[0];
    expect(check?.verdict).toBe("FAIL");

    const database = await openDatabase(databaseUrl);
    try {
      const cli = await checkBranch(database, { base: "main", branch: "feature/slow" });
      expect(check?.head.id).toBe(cli.head.id);
      expect(check?.base?.id).toBe(cli.base?.id);
      expect(check?.reasons.map((reason) => `${reason.kind}:${reason.mode}`).sort()).toEqual(
        cli.reasons
          .map(
            (reason) =>
              `${reason.kind === "slower-cell" ? "SLOWER_CELL" : "SCALING"}:${reason.kind === "slower-cell" ? reason.cell.mode : reason.mode}`,
          )
          .sort(),
      );
      const verdicts = Object.fromEntries(
        (cli.comparison?.cells ?? []).map((cell) => [
          `${cell.mode}x${cell.threads}`,
          cell.kind === "compared" ? cell.verdict.toUpperCase() : null,
        ]),
      );
      for (const cell of check?.cells ?? [])
        expect(cell.verdict).toBe(verdicts[`${cell.mode}x${cell.threads}`]);
    } finally {
      await database.close();
    }
    expect(
      check?.reasons.some((reason) => reason.kind === "SLOWER_CELL" && (reason.relativeChange ?? 0) > 0.2),
    ).toBe(true);
    // The history gate, when the check has one: its slower wall-time cells are the reasons.
    const gated = await post<{
      branchReview: {
        checks: Array<{
          gate: {
            baseRuns: number;
            cells: Array<{ mode: string; threads: number; metric: string; verdict: string }>;
          } | null;
          reasons: Array<{ kind: string; mode: string; threads: number | null }>;
        }>;
      };
    }>(
      server,
      `{ branchReview(branch: "feature/slow", base: "main") { checks {
          reasons { kind mode threads }
          gate { statistic baseRuns history fewRuns cells { mode threads metric verdict baseRuns model boundary center limit head change detectableChange pValue } } } } }`,
    );
    expect(gated.errors).toBeUndefined();
    const gate = gated.data?.branchReview.checks[0]?.gate;
    if (gate) {
      expect(gate.baseRuns).toBeGreaterThan(0);
      const slower = gate.cells
        .filter((cell) => cell.metric === "wall_time" && cell.verdict === "SLOWER")
        .map((cell) => `${cell.mode}x${cell.threads}`)
        .sort();
      const reasons = (gated.data?.branchReview.checks[0]?.reasons ?? [])
        .filter((reason) => reason.kind === "SLOWER_CELL")
        .map((reason) => `${reason.mode}x${reason.threads}`)
        .sort();
      expect(slower).toEqual(reasons);
    }

    const same = await post<{ branchReview: { regressed: boolean; checks: Array<{ verdict: string }> } }>(
      server,
      query,
      { branch: "feature/same", base: "main" },
    );
    expect(same.data?.branchReview.regressed).toBe(false);
    expect(same.data?.branchReview.checks.map((entry) => entry.verdict)).toEqual(["PASS"]);
    const unknown = await post<{ branchReview: { checks: unknown[] } }>(server, query, {
      branch: "no-such-branch",
      base: "main",
    });
    expect(unknown.data?.branchReview.checks).toEqual([]);
  });

  it("finds the latest run of each runtime on one machine", async () => {
    const result = await post<{
      latestRunsPerRuntime: Array<{
        branch: string;
        testbed: { runtimeLabel: string };
        measurements: unknown[];
      }>;
    }>(
      server,
      `{ latestRunsPerRuntime(workload: "sum-squares", machine: "ci-runner-7", branch: "main") {
          id branch testbed { runtimeLabel } measurements { mode threads speedup } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.latestRunsPerRuntime.map((run) => run.testbed.runtimeLabel).sort()).toEqual([
      "cpython 3.13.1",
      "cpython 3.13.1t",
      "node 20.20.2",
    ]);
    const anyBranch = await post<{ latestRunsPerRuntime: Array<{ branch: string }> }>(
      server,
      `{ latestRunsPerRuntime(workload: "sum-squares", machine: "ci-runner-7", params: { n: 1000 }) { branch } }`,
    );
    expect(anyBranch.data?.latestRunsPerRuntime.map((run) => run.branch).sort()).toEqual([
      "feature/same",
      "feature/slow",
      "main",
    ]);
  });

  it("charts efficiency over time per thread count", async () => {
    const facets = await post<{ seriesFacets: { testbeds: Array<{ id: string; runtimeVersion: string }> } }>(
      server,
      "{ seriesFacets { testbeds { id runtimeVersion } } }",
    );
    const testbedId = facets.data?.seriesFacets.testbeds.find(
      (testbed) => testbed.runtimeVersion === "3.13.1t",
    )?.id;
    const result = await post<{
      efficiencyHistory: {
        branch: string;
        buckets: number;
        rows: Array<{ threads: number; cells: Array<{ efficiency: number | null; points: number }> }>;
      };
    }>(
      server,
      `query($testbedId: ID!) { efficiencyHistory(workload: "sum-squares", testbedId: $testbedId, mode: "threading", buckets: 6) {
        mode branch params from to buckets rows { threads seriesKey cells { from to efficiency points lastRunId } } } }`,
      { testbedId },
    );
    expect(result.errors).toBeUndefined();
    const history = result.data?.efficiencyHistory;
    expect(history?.branch).toBe("main");
    expect(history?.rows.map((row) => row.threads)).toEqual([1, 2, 4]);
    for (const row of history?.rows ?? []) {
      expect(row.cells).toHaveLength(6);
      expect(row.cells.reduce((total, cell) => total + cell.points, 0)).toBe(6);
    }
    const atFour = history?.rows[2]?.cells.find((cell) => cell.efficiency !== null)?.efficiency ?? 0;
    expect(atFour).toBeGreaterThan(0.85);
    // No more slices than runs: six runs over 48 slices would be mostly empty cells.
    const wide = await post<{ efficiencyHistory: { buckets: number; rows: Array<{ cells: unknown[] }> } }>(
      server,
      `query($testbedId: ID!) { efficiencyHistory(workload: "sum-squares", testbedId: $testbedId, mode: "threading", buckets: 48) {
        buckets rows { cells { points } } } }`,
      { testbedId },
    );
    expect(wide.data?.efficiencyHistory.buckets).toBe(6);
    expect(wide.data?.efficiencyHistory.rows[0]?.cells).toHaveLength(6);
    const none = await post<{ efficiencyHistory: null }>(
      server,
      `{ efficiencyHistory(workload: "sum-squares", testbedId: "nope", mode: "threading") { mode } }`,
    );
    expect(none.data?.efficiencyHistory).toBeNull();
  });

  it("names the field and the allowed range for bad listing arguments", async () => {
    const result = await post(server, "{ seriesPage(first: 0) { totalCount } }");
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(result.errors?.[0]?.extensions)).toMatch(/first.*1 to 200/);
    const many = await post(
      server,
      `{ runsByIds(ids: [${Array.from({ length: 13 }, (_, i) => `"${i}"`).join(",")}]) { id } }`,
    );
    expect(JSON.stringify(many.errors)).toMatch(/at most 12/);
  });

  it("orders series by their newest point with RECENT: what the latest run measured comes first", async () => {
    type Page = {
      seriesPage: {
        totalCount: number;
        nodes: Array<{ series: { key: string; branch: string }; latestAt: string | null }>;
      };
    };
    const query = `query($order: SeriesOrder) {
      seriesPage(first: 200, orderBy: $order) { totalCount nodes { series { key branch } latestAt } } }`;
    // A later run on main on a testbed whose series exist since the first ingestion, after
    // the two branches' runs: its series are the oldest and the most recently measured.
    const later = fixtureRun({ index: 9, runtime: node, key: "api-recent" });
    expect((await post(server, ingest, { input: later }, true)).errors).toBeUndefined();
    const recent = await post<Page>(server, query, { order: "RECENT" });
    expect(recent.errors).toBeUndefined();
    const nodes = recent.data?.seriesPage.nodes ?? [];
    expect(nodes).toHaveLength(recent.data?.seriesPage.totalCount ?? -1);
    const times = nodes.map((entry) => Date.parse(entry.latestAt ?? ""));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const touched = nodes.slice(0, later.measurements.length);
    expect(touched.map((entry) => entry.latestAt)).toEqual(touched.map(() => later.finishedAt));
    expect(new Set(touched.map((entry) => entry.series.branch))).toEqual(new Set(["main"]));
    expect(Date.parse(nodes[later.measurements.length]?.latestAt ?? "")).toBeLessThan(
      Date.parse(later.finishedAt),
    );
    // NEWEST is when a series first appeared: the branches' series, not these.
    const newest = await post<Page>(server, query, { order: "NEWEST" });
    expect(newest.data?.seriesPage.nodes[0]?.series.branch).not.toBe("main");
  });

  it("lists branches by their newest run, each with its commit and its number of series", async () => {
    type Branches = {
      branches: {
        totalCount: number;
        nodes: Array<{
          name: string;
          seriesCount: number;
          latestRun: { commitSha: string; createdAt: string } | null;
        }>;
      };
    };
    const query = `query($first: Int) { branches(first: $first) {
      totalCount nodes { name seriesCount latestRun { commitSha createdAt } } } }`;
    // The newest run of all, on a branch that has older ones.
    const newest = fixtureRun({
      index: 10,
      runtime: freeThreaded,
      key: "api-branches",
      branch: "feature/slow",
    });
    expect((await post(server, ingest, { input: newest }, true)).errors).toBeUndefined();
    const all = await post<Branches>(server, query, { first: 100 });
    expect(all.errors).toBeUndefined();
    const nodes = all.data?.branches.nodes ?? [];
    expect(new Set(nodes.map((node) => node.name))).toEqual(
      new Set(["main", "feature/slow", "feature/same"]),
    );
    expect(all.data?.branches.totalCount).toBe(3);
    expect(nodes[0]?.name).toBe("feature/slow");
    expect(nodes[0]?.latestRun?.commitSha).toBe(newest.commitSha);
    const times = nodes.map((node) => Date.parse(node.latestRun?.createdAt ?? ""));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const node of nodes) {
      const page = await post<{ seriesPage: { totalCount: number } }>(
        server,
        "query($branch: String) { seriesPage(filter: { branch: $branch }) { totalCount } }",
        { branch: node.name },
      );
      expect(node.seriesCount).toBe(page.data?.seriesPage.totalCount);
    }
    const one = await post<Branches>(server, query, { first: 1 });
    expect(one.data?.branches.nodes.map((node) => node.name)).toEqual(["feature/slow"]);
    expect(one.data?.branches.totalCount).toBe(3);
    const bad = await post(server, query, { first: 0 });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(bad.errors?.[0]?.extensions)).toMatch(/first.*1 to 500/);
  });

  it("records the server's git commit and branch for runs started without one (form runs had none)", async () => {
    const result = await post<{ startRun: { id: string; commitSha: string | null; branch: string | null } }>(
      server,
      `mutation { startRun(plan: { workload: "sum-squares", params: { n: 1000 }, threads: [1] }) { id commitSha branch } }`,
      {},
      true,
    );
    expect(result.errors).toBeUndefined();
    // A commit of this checkout: HEAD itself unless someone committed since.
    const sha = result.data?.startRun.commitSha as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(() =>
      execFileSync("git", ["merge-base", "--is-ancestor", sha, "HEAD"], { stdio: "ignore" }),
    ).not.toThrow();
    const branch = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { encoding: "utf8" }).trim();
    if (branch !== "HEAD") expect(result.data?.startRun.branch).toBe(branch);
    await post(
      server,
      `mutation($id: ID!) { cancelRun(id: $id) { id } }`,
      { id: result.data?.startRun.id },
      true,
    );
  });
});
