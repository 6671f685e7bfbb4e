import { openCliStore, serverFlag, serverHelp } from "./cli-store.js";
import { type CliCommand, CliUsageError, parseFlags } from "./command.js";
import { formatComparisonTable } from "./comparison-format.js";

export const compareCommand: CliCommand = {
  name: "compare",
  summary: "Compare two stored runs cell by cell: faster, slower, unchanged or noisy",
  help: `
Usage: threadbench compare BASE_RUN_ID HEAD_RUN_ID [--json]

Compares the wall-time samples of every (mode, threads) cell the two runs share:
relative change of the median with a 95% bootstrap interval, a Mann-Whitney p-value,
and a verdict. "slower"/"faster" need p < 0.01, an interval excluding zero and a
change of at least 5% (and beyond the repetitions' own scatter); "unchanged" means the
whole interval lies within +-5%; anything else is "noisy": more repetitions would tell.
A cell needs at least 5 repetitions on each side for any other verdict (with 3, the
rank test cannot reach p < 0.01 however large the change); a warning says when not.
Cells present in only one run are listed as such.

Flags:
  --json   Print the comparison as JSON
${serverHelp}
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { json: { type: "boolean" }, ...serverFlag }, true);
    const [baseId, headId, ...extra] = positionals;
    if (!baseId || !headId)
      throw new CliUsageError("expected two run ids: BASE HEAD (see `threadbench runs`)");
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"`);
    const store = await openCliStore(io, values.server);
    try {
      const comparison = await store.compareRuns(baseId, headId);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
        return 0;
      }
      const { verdicts } = comparison;
      io.stdout.write(
        [
          `base  ${comparison.baseRunId}`,
          `head  ${comparison.headRunId}`,
          ...comparison.warnings.map((warning) => `warning: ${warning}`),
          "",
          formatComparisonTable(comparison),
          "",
          `${verdicts.slower} slower, ${verdicts.faster} faster, ${verdicts.unchanged} unchanged, ${verdicts.noisy} noisy`,
          "",
        ].join("\n"),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
