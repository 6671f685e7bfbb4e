import { tokenScopes } from "@threadbench/core";
import { startDatabase } from "../db/startup.js";
import { createToken, listTokens, revokeToken, type StoredToken } from "../db/token-repository.js";
import { type CliCommand, type CliIo, CliUsageError, parseFlags } from "./command.js";
import { table } from "./format.js";

const actions = ["create", "list", "revoke"] as const;
type Action = (typeof actions)[number];

/** "2026-12-03 14:00" (UTC), or "-". */
function when(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace("T", " ") : "-";
}

function tokenJson(token: StoredToken) {
  return { ...token, revoked: token.revokedAt !== null };
}

/** Who creates a token: --by, else the login name. */
function whoIsAsking(io: CliIo, by: string | undefined): string {
  return by?.trim() || io.env.USER || io.env.LOGNAME || io.env.USERNAME || "cli";
}

export const tokenCommand: CliCommand = {
  name: "token",
  summary: "Create, list and revoke the API tokens a team's server accepts",
  help: `
Usage: threadbench token create NAME --scope SCOPE [--scope SCOPE]... [--by NAME] [--json]
       threadbench token list [--json]
       threadbench token revoke NAME [--json]

API tokens stored in the database named by DATABASE_URL (the server's own): only the
sha256 of each secret is kept, so \`create\` prints the secret once and never again.
A token's name is recorded as who started a run or changed a regression's status.

Scopes (give one or more; admin holds them all):
  read     queries and subscriptions (needed only on a THREADBENCH_PRIVATE server)
  ingest   post results (ingestRun, \`threadbench ingest/run --server\`)
  run      start, cancel and label runs; triage regressions (the dashboard's actions)
  agent    run benchmark agents
  admin    everything, including deleting runs

\`list\` shows names, scopes, when each was created and last used (recorded to the
minute), and when it was revoked. \`revoke\` refuses the token from the next request on;
its name stays taken.

Flags:
  --scope SCOPE   A scope for \`create\` (repeatable, or comma separated)
  --by NAME       Who creates it (default: $USER)
  --json          Print JSON (for \`create\`: {name, scopes, secret, ...})
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      {
        scope: { type: "string", multiple: true },
        by: { type: "string" },
        json: { type: "boolean" },
      },
      true,
    );
    const [action, name, ...extra] = positionals;
    if (!action || !(actions as readonly string[]).includes(action)) {
      throw new CliUsageError(
        `expected an action first (allowed: ${actions.join(", ")})${action ? `, got "${action}"` : ""}`,
      );
    }
    const needsName = action !== "list";
    if (needsName && !name) throw new CliUsageError(`expected a token NAME after "${action}"`);
    const unexpected = needsName ? extra[0] : name;
    if (unexpected !== undefined) throw new CliUsageError(`unexpected argument "${unexpected}"`);
    if (action !== "create" && values.scope) throw new CliUsageError("--scope belongs to `token create`");
    const scopes = (values.scope ?? []).flatMap((value) => value.split(","));
    if (action === "create" && scopes.every((scope) => scope.trim() === "")) {
      throw new CliUsageError(
        `--scope is required (allowed: ${tokenScopes.join(", ")}; repeat it for several)`,
      );
    }
    const unknown = scopes.find(
      (scope) =>
        scope.trim() !== "" && !(tokenScopes as readonly string[]).includes(scope.trim().toLowerCase()),
    );
    if (unknown !== undefined) {
      throw new CliUsageError(`--scope: "${unknown}" is not allowed (allowed: ${tokenScopes.join(", ")})`);
    }

    const { database } = await startDatabase(io.env.DATABASE_URL);
    try {
      const chosen = action as Action;
      switch (chosen) {
        case "create": {
          const { token, secret } = await createToken(database, {
            name: name as string,
            scopes,
            createdBy: whoIsAsking(io, values.by),
          });
          if (values.json) {
            io.stdout.write(`${JSON.stringify({ ...tokenJson(token), secret }, null, 2)}\n`);
          } else {
            io.stdout.write(
              [
                `created token "${token.name}" (scopes: ${token.scopes.join(", ")})`,
                "",
                `  ${secret}`,
                "",
                "This is the only time the secret is shown: keep it in your CI's secret store",
                "(e.g. THREADBENCH_TOKEN) and send it as Authorization: Bearer <secret>.",
                "",
              ].join("\n"),
            );
          }
          return 0;
        }
        case "list": {
          const tokens = await listTokens(database);
          if (values.json) {
            io.stdout.write(`${JSON.stringify(tokens.map(tokenJson), null, 2)}\n`);
            return 0;
          }
          if (tokens.length === 0) {
            io.stdout.write(
              "no stored tokens (create one with `threadbench token create NAME --scope ...`)\n",
            );
            return 0;
          }
          const rows = [
            ["NAME", "SCOPES", "CREATED (UTC)", "BY", "LAST USED (UTC)", "REVOKED (UTC)"],
            ...tokens.map((token) => [
              token.name,
              token.scopes.join(","),
              when(token.createdAt),
              token.createdBy ?? "-",
              when(token.lastUsedAt),
              when(token.revokedAt),
            ]),
          ];
          io.stdout.write(`${table(rows)}\n`);
          return 0;
        }
        case "revoke": {
          const token = await revokeToken(database, name as string);
          if (values.json) io.stdout.write(`${JSON.stringify(tokenJson(token), null, 2)}\n`);
          else io.stdout.write(`revoked token "${token.name}" (at ${when(token.revokedAt)} UTC)\n`);
          return 0;
        }
        default: {
          const unreachable: never = chosen;
          throw new Error(`unhandled token action ${String(unreachable)}`);
        }
      }
    } finally {
      await database.close();
    }
  },
};
