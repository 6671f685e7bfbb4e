import { isAbsolute, join, resolve } from "node:path";
import { ConfigurationError } from "../errors.js";
import { repoRoot } from "./repo-root.js";

export type DatabaseProvider = "sqlite" | "postgresql";

/** Where the data lives, decided once from DATABASE_URL. */
export type DatabaseTarget =
  | { provider: "sqlite"; url: string /** Absolute path of the database file. */; filePath: string }
  | { provider: "postgresql"; url: string };

const acceptedForms =
  'unset (SQLite file data/threadbench.db), "file:PATH" (SQLite), or "postgres://..." / "postgresql://..." (PostgreSQL)';

/** The default data directory: THREADBENCH_DATA_DIR, else `data/` under the repository root. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.THREADBENCH_DATA_DIR?.trim();
  if (override) return resolve(override);
  return join(repoRoot(), "data");
}

/**
 * Decides the provider from a DATABASE_URL value (or its absence):
 * unset or empty -> SQLite `data/threadbench.db`; `file:` -> SQLite; `postgres(ql)://` ->
 * PostgreSQL; anything else is a ConfigurationError naming the variable and the forms.
 * Relative `file:` paths are resolved against the repository root, the same for every
 * workspace script, so `npm run -w` from anywhere opens the same file.
 */
export function resolveDatabaseUrl(
  raw: string | undefined = process.env.DATABASE_URL,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseTarget {
  const value = raw?.trim();
  if (!value) {
    const filePath = join(dataDirectory(env), "threadbench.db");
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  if (value.startsWith("file:")) {
    const path =
      value
        .slice("file:".length)
        .replace(/^\/\/(?=\/)/, "")
        .split("?")[0] ?? "";
    if (!path) {
      throw new ConfigurationError(`DATABASE_URL "${value}" names no file (accepted: ${acceptedForms})`);
    }
    const filePath = isAbsolute(path) ? path : resolve(repoRoot(), path);
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    return { provider: "postgresql", url: value };
  }
  throw new ConfigurationError(
    `DATABASE_URL "${redact(value)}" is not supported (accepted: ${acceptedForms})`,
  );
}

/** Hides a password in a URL before it goes into a message or a log. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
