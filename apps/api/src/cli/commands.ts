import { agentCommand } from "./agent-command.js";
import { checkCommand } from "./check-command.js";
import type { CliCommand } from "./command.js";
import { compareCommand } from "./compare-command.js";
import { dbCommand } from "./db-command.js";
import { ingestCommand } from "./ingest-command.js";
import { muteCommand, unmuteCommand } from "./mute-command.js";
import { regressionCommand, regressionsCommand } from "./regressions-command.js";
import { runCommand } from "./run-command.js";
import { runsCommand } from "./runs-command.js";
import { showCommand } from "./show-command.js";
import { tokenCommand } from "./token-command.js";
import { workloadsCommand } from "./workloads-command.js";

/** Every subcommand, in the order `threadbench --help` lists them. */
export const commands: readonly CliCommand[] = [
  runCommand,
  workloadsCommand,
  runsCommand,
  showCommand,
  ingestCommand,
  dbCommand,
  compareCommand,
  checkCommand,
  regressionsCommand,
  regressionCommand,
  muteCommand,
  unmuteCommand,
  tokenCommand,
  agentCommand,
];
