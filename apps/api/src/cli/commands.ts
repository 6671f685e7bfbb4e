import type { CliCommand } from "./command.js";
import { runCommand } from "./run-command.js";
import { workloadsCommand } from "./workloads-command.js";

/** Every subcommand, in the order `threadbench --help` lists them. */
export const commands: readonly CliCommand[] = [runCommand, workloadsCommand];
