import { type Database, type OpenDatabaseOptions, openDatabase } from "./client.js";
import { markInterruptedRuns } from "./run-repository.js";

/**
 * What every threadbench process does first: open (and migrate) the database, then mark
 * runs left `running` by a crashed process as `interrupted`, so no run stays running
 * forever. Returns the database and the ids it marked.
 */
export async function startDatabase(
  url?: string,
  options: OpenDatabaseOptions = {},
): Promise<{ database: Database; interruptedRunIds: string[] }> {
  const database = await openDatabase(url, options);
  try {
    const interruptedRunIds = await markInterruptedRuns(database);
    return { database, interruptedRunIds };
  } catch (error) {
    await database.close();
    throw error;
  }
}
