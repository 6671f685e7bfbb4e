import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ConfigurationError } from "../errors.js";

export interface SqliteServerLock {
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One API process per SQLite file. Claims are exclusive on SQLite too, but the event bus
 * only crosses processes through PostgreSQL: a second API process on the same file would
 * never see the first one's progress, events or cancels. So a second one is refused with
 * a message that says so (`threadbench run` and the other CLI commands do not take this
 * lock: they may share the file). A lock file whose process is gone is taken over.
 */
export function acquireSqliteServerLock(databaseFile: string): SqliteServerLock {
  const path = `${databaseFile}.api-lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const descriptor = openSync(path, "wx", 0o644);
      writeSync(
        descriptor,
        JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
      );
      closeSync(descriptor);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(path);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: { pid?: number; host?: string; since?: string } = {};
    try {
      holder = JSON.parse(readFileSync(path, "utf8")) as typeof holder;
    } catch {
      // half-written or unreadable: treated as stale below
    }
    // A holder on another host (a shared file system) cannot be checked: it counts as alive.
    if (typeof holder.pid === "number" && (holder.host !== hostname() || processIsAlive(holder.pid))) {
      throw new ConfigurationError(
        `another threadbench API process (pid ${holder.pid} on ${holder.host ?? "?"}, since ${holder.since ?? "?"}; lock file ${path}) already serves the SQLite database ${databaseFile}: SQLite stays one API process (its events do not cross processes). Stop the other one, or use PostgreSQL (DATABASE_URL=postgresql://...) to run several API processes`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // removed by someone else meanwhile: try again
    }
  }
  throw new ConfigurationError(`could not take the API lock ${path} of the SQLite database`);
}
