import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** A throwaway PostgreSQL server for tests and benchmarks. */
export interface EphemeralPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  /**
   * Stops the server as a restart does (`pg_ctl -m fast`: clients are disconnected, the
   * data is kept). Not `immediate`: with this cluster's synchronous_commit=off that is a
   * crash that may lose the last 200 ms of commits.
   */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port, with its data. */
  resume(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Where the server binaries are: Debian's layout, newest version first, else PATH. */
function findBinDirectory(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => existsSync(join(root, name, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  for (const directory of (process.env.PATH ?? "").split(":")) {
    if (directory && existsSync(join(directory, "initdb")) && existsSync(join(directory, "pg_ctl")))
      return directory;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts a PostgreSQL cluster in a temporary directory on a free port (about two
 * seconds). initdb refuses to run as root, so as root everything runs as the
 * `postgres` user (runuser) in a directory it owns. Throws with the reason when no
 * server can be started here.
 */
export async function startEphemeralPostgres(): Promise<EphemeralPostgres> {
  const bin = findBinDirectory();
  if (!bin)
    throw new Error(
      "no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or PATH",
    );
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const { stdout: uidText } = await run("id", ["-u", "postgres"]);
    const { stdout: gidText } = await run("id", ["-g", "postgres"]);
    uid = Number(uidText.trim());
    gid = Number(gidText.trim());
  }
  const directory = mkdtempSync(join(tmpdir(), "threadbench-pg-"));
  if (asRoot && uid !== undefined && gid !== undefined) chownSync(directory, uid, gid);
  const dataDirectory = join(directory, "data");
  const exec = (file: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, file), ...args]) : run(join(bin, file), args);
  const port = await freePort();
  const start = () =>
    exec("pg_ctl", [
      "-D",
      dataDirectory,
      "-l",
      join(directory, "server.log"),
      "-w",
      "-o",
      `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      "start",
    ]);
  const halt = (mode: "fast" | "immediate") =>
    exec("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "stop"]);
  try {
    await exec("initdb", ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    await start();
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(
      `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async halt() {
      await halt("fast");
    },
    async resume() {
      await start();
    },
    async stop() {
      await halt("immediate").catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, empty database on the server of `adminUrl` and returns its URL. */
export async function createScratchDatabase(adminUrl: string, prefix = "threadbench_test"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createScratchDatabase (connections are terminated first). */
export async function dropScratchDatabase(adminUrl: string, databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
