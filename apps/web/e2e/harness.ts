/**
 * End-to-end harness: a real API (apps/api/dist, temporary SQLite database) and the
 * dashboard's production build (`next start`), each on a free port, plus Debian's
 * Chromium through playwright-core. Everything started here is stopped by `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export const webRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(webRoot, "..", "..");
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** The API accepts secrets of 16 to 256 characters. */
export const apiToken = "test-token-e2e-0123456789";

/** Flags that work as root in containers (see ENVIRONMENT.md). */
const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Whether the browser tests can run. Without Chromium they fail in CI (CI=true) and
 * are skipped, loudly, elsewhere.
 */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  const message = `Chromium not found at ${chromiumPath}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`;
  if (process.env.CI === "true") throw new Error(`${message} The e2e suite must run in CI.`);
  console.warn(`\n${"!".repeat(80)}\n!! e2e SKIPPED: ${message}\n${"!".repeat(80)}\n`);
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  description: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ManagedProcess,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.process.exitCode !== null) {
      throw new Error(`${description}: the process exited with ${child.process.exitCode}\n${child.output()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${description}: not ready after ${timeoutMs} ms\n${child?.output() ?? ""}`);
}

interface ManagedProcess {
  process: ChildProcess;
  output(): string;
}

function launch(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { process: child, output: () => log };
}

async function terminate(managed: ManagedProcess | undefined): Promise<void> {
  if (!managed || managed.process.exitCode !== null || managed.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => managed.process.once("exit", () => resolve()));
  managed.process.kill("SIGTERM");
  const timer = setTimeout(() => managed.process.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** POSTs a GraphQL operation; throws with the API's message on errors. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join("; "));
  if (!body.data) throw new Error(`no data (HTTP ${response.status})`);
  return body.data;
}

/** Builds the dashboard unless a production build exists (THREADBENCH_E2E_BUILD=1 forces one). */
export function ensureWebBuild(): void {
  const built = existsSync(join(webRoot, ".next", "BUILD_ID"));
  if (built && process.env.THREADBENCH_E2E_BUILD !== "1") return;
  console.log("[e2e] building the dashboard (next build)…");
  const result = spawnSync("npm", ["run", "build"], {
    cwd: webRoot,
    stdio: "inherit",
    env: { ...process.env },
  });
  if (result.status !== 0) throw new Error("next build failed");
}

export interface Stack {
  apiUrl: string;
  webUrl: string;
  browser: Browser | null;
  /** The last output of the API and the dashboard server (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Launch Chromium too (default true). */
  browser?: boolean;
  /** Use this database instead of a fresh temporary one (the bench's seeded history). */
  databaseUrl?: string;
  /** Extra environment of the dashboard's server (e.g. THREADBENCH_COMMIT_URL). */
  webEnv?: Record<string, string>;
  /** Extra environment of the API (e.g. THREADBENCH_PRIVATE). */
  apiEnv?: Record<string, string>;
}

/** Starts API, dashboard and (optionally) Chromium. Call `stop()` in afterAll. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const apiEntry = join(repoRoot, "apps", "api", "dist", "index.js");
  if (!existsSync(apiEntry)) {
    throw new Error(`${apiEntry} is missing: build the API first (npm run build -w @threadbench/api).`);
  }
  ensureWebBuild();
  const directory = mkdtempSync(join(tmpdir(), "threadbench-e2e-"));
  let api: ManagedProcess | undefined;
  let web: ManagedProcess | undefined;
  let browser: Browser | null = null;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await terminate(web);
    await terminate(api);
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    // Chosen first: the API allows WebSockets only from the dashboard's origin.
    const webPort = await freePort();
    const webUrl = `http://127.0.0.1:${webPort}`;
    api = launch(process.execPath, [apiEntry], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(apiPort),
        HOST: "127.0.0.1",
        THREADBENCH_DASHBOARD_URL: webUrl,
        DATABASE_URL: options.databaseUrl ?? `file:${join(directory, "e2e.db")}`,
        THREADBENCH_API_TOKENS: `e2e=${apiToken}`,
        // As with npm start, the API starts one local agent process that executes the
        // runs the tests start; its machine lock lives in the stack's own directory.
        THREADBENCH_LOCAL_AGENT: "true",
        TMPDIR: directory,
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        ...options.apiEnv,
      },
    });
    await waitFor(
      "API",
      async () => {
        // With the token: a private API (THREADBENCH_PRIVATE) answers no anonymous query.
        await graphql(apiUrl, "{ planLimits { maxThreads } }", {}, apiToken);
        return true;
      },
      60_000,
      api,
    );

    web = launch(
      process.execPath,
      [
        join(repoRoot, "node_modules", "next", "dist", "bin", "next"),
        "start",
        "-p",
        String(webPort),
        "-H",
        "127.0.0.1",
      ],
      {
        cwd: webRoot,
        env: {
          ...process.env,
          THREADBENCH_API_URL: apiUrl,
          NEXT_TELEMETRY_DISABLED: "1",
          NODE_ENV: "production",
          ...options.webEnv,
        },
      },
    );
    await waitFor("dashboard", async () => (await fetch(`${webUrl}/runs/new`)).ok, 60_000, web);

    if (options.browser !== false) {
      browser = await chromium.launch({
        executablePath: chromiumPath,
        // Playwright gives every launch a fresh temporary profile (--user-data-dir).
        args: chromiumFlags,
        headless: true,
      });
    }
    const logs = () => `--- API ---\n${api?.output() ?? ""}\n--- dashboard ---\n${web?.output() ?? ""}`;
    return { apiUrl, webUrl, browser, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
