import { muteSeries, unmuteSeries } from "../db/regression-repository.js";
import { startDatabase } from "../db/startup.js";
import { type CliCommand, CliUsageError, parseFlags } from "./command.js";

function seriesKeyArgument(positionals: string[]): string {
  const [key, ...extra] = positionals;
  if (!key)
    throw new CliUsageError(
      "expected a SERIES_KEY (the seriesKey of a measurement: `threadbench show RUN_ID --json`)",
    );
  if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
  return key;
}

export const muteCommand: CliCommand = {
  name: "mute",
  summary: "Stop reporting regressions of a series (its data is kept)",
  help: `
Usage: threadbench mute SERIES_KEY [--reason TEXT] [--by NAME]

Mutes a series: its runs are still stored and charted, but no regression or
improvement is stored (or announced) for it until \`threadbench unmute\`.

Flags:
  --reason TEXT   Why (e.g. "noisy on shared CI runners")
  --by NAME       Who (default: $USER)
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { reason: { type: "string" }, by: { type: "string" } },
      true,
    );
    const key = seriesKeyArgument(positionals);
    const { database } = await startDatabase(io.env.DATABASE_URL);
    try {
      const by = values.by?.trim() || io.env.USER || io.env.LOGNAME || "cli";
      await muteSeries(database, key, { by, reason: values.reason ?? null });
      io.stdout.write(`muted series ${key}${values.reason ? ` (${values.reason})` : ""}\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};

export const unmuteCommand: CliCommand = {
  name: "unmute",
  summary: "Report regressions of a muted series again",
  help: `
Usage: threadbench unmute SERIES_KEY

Unmutes a series muted with \`threadbench mute\`: the next stored runs are checked again.
`,
  async run(argv, io) {
    const { positionals } = parseFlags(argv, {}, true);
    const key = seriesKeyArgument(positionals);
    const { database } = await startDatabase(io.env.DATABASE_URL);
    try {
      const was = await unmuteSeries(database, key);
      io.stdout.write(was ? `unmuted series ${key}\n` : `series ${key} was not muted: nothing changed\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
