import type { CliCommand } from "./command.js";
import { runCommand } from "./run-command.js";
import { workloadsCommand } from "./workloads-command.js";
import { runsCommand } from "./runs-command.js";
import { showCommand } from "./show-command.js";
import { ingestCommand } from "./ingest-command.js";
import { dbCommand } from "./db-command.js";

/** Every subcommand, in the order `threadbench --help` lists them. */
export const commands: readonly CliCommand[] = [
  runCommand,
  workloadsCommand,
  runsCommand,
  showCommand,
  ingestCommand,
  dbCommand,
];
