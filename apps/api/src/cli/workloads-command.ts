import { describeParameters, workloads } from "@threadbench/workloads";
import { type CliCommand, parseFlags } from "./command.js";

export const workloadsCommand: CliCommand = {
  name: "workloads",
  summary: "List the workloads and their parameters",
  help: `
Usage: threadbench workloads [--json]

Lists every workload with its description and parameters (default, bounds, unit).

Flags:
  --json   Print the list as JSON
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { json: { type: "boolean" } });
    const rows = workloads.map((workload) => ({
      id: workload.id,
      title: workload.title,
      description: workload.description,
      unitName: workload.unitName,
      requiresSharedMemory: workload.requiresSharedMemory ?? false,
      parameters: describeParameters(workload),
    }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    for (const row of rows) {
      io.stdout.write(`${row.id}  (${row.title})\n`);
      io.stdout.write(`${wrap(row.description, 78, "    ")}\n`);
      for (const parameter of row.parameters) {
        const range =
          parameter.options?.join(" | ") ??
          (parameter.minimum !== undefined ? `${parameter.minimum}..${parameter.maximum}` : "");
        io.stdout.write(
          `    --param ${parameter.name}=${parameter.default}   ${parameter.type} ${range}${
            parameter.unit ? ` ${parameter.unit}` : ""
          }: ${parameter.description}\n`,
        );
      }
      io.stdout.write("\n");
    }
    return 0;
  },
};

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if ((line + word).length + indent.length > width && line) {
      lines.push(indent + line.trimEnd());
      line = "";
    }
    line += `${word} `;
  }
  if (line.trim()) lines.push(indent + line.trimEnd());
  return lines.join("\n");
}
