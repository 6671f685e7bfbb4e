import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDirectory } from "../db/database-url.js";
import type { ConfiguredToken } from "./config.js";

/** A token secret: 32 URL-safe characters, within the configured token alphabet. */
const SECRET_PATTERN = /^[A-Za-z0-9._~+/-]{16,256}$/;

/**
 * The token of a local installation that configured none: created once under the data
 * directory (mode 0600, readable by its owner only) and reused on every start, so the
 * dashboard's "new run" works after `npm start` without any set-up, the way Jupyter
 * prints its token. Setting THREADBENCH_API_TOKENS (even to empty) turns this off.
 */
export function localToken(env: NodeJS.ProcessEnv = process.env): { token: ConfiguredToken; path: string } {
  const directory = dataDirectory(env);
  const path = join(directory, "api-token");
  let secret = "";
  try {
    secret = readFileSync(path, "utf8").trim();
  } catch {
    // first start: created below
  }
  if (!SECRET_PATTERN.test(secret)) {
    secret = randomBytes(24).toString("base64url");
    mkdirSync(directory, { recursive: true });
    writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  }
  return { token: { name: "local", secret }, path };
}
