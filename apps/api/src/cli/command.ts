import { type ParseArgsConfig, parseArgs } from "node:util";
import type { z } from "zod";

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C: long commands stop promptly and clean up. */
  signal: AbortSignal;
  /** What `-` reads (`go test -bench . | threadbench ingest -`); default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

/** One `threadbench <name>` subcommand. */
export interface CliCommand {
  name: string;
  /** One line for `threadbench --help`. */
  summary: string;
  /** Full `--help` text of the command. */
  help: string;
  /** Returns the process exit code. Throws `CliUsageError` for bad flags. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/**
 * A bad flag or flag value: printed with the command's usage, exit code 2. With
 * `usageHint: false` it is printed as one line (a bad workload module or project file:
 * the flags were fine, `--help` would not help).
 */
export class CliUsageError extends Error {
  readonly usageHint: boolean;
  constructor(message: string, options: { usageHint?: boolean } = {}) {
    super(message);
    this.name = "CliUsageError";
    this.usageHint = options.usageHint ?? true;
  }
}

/**
 * `util.parseArgs` in strict mode, with its errors rephrased to name the flag and
 * point at `--help`. A flag that takes one value may be given once (parseArgs keeps the
 * last silently: `--threads 2 --threads 1` ran on one thread); only `multiple` flags
 * repeat. A negative number is a flag's value (`--warmups -1`), so the flag's own check
 * names its range instead of parseArgs calling the argument ambiguous.
 */
export function parseFlags<T extends FlagOptions>(
  argv: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean }>> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean; tokens: true }>
  >;
  try {
    parsed = parseArgs({
      args: withNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals,
      tokens: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(message.replace(/\. To specify a positional.*$/s, ""));
  }
  const given = new Map<string, string | undefined>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || options[token.name]?.type !== "string" || options[token.name]?.multiple) {
      continue;
    }
    if (given.has(token.name)) {
      throw new CliUsageError(
        `--${token.name}: given more than once ("${given.get(token.name)}", then "${token.value}"; allowed: once)`,
      );
    }
    given.set(token.name, token.value);
  }
  const { tokens: _tokens, ...result } = parsed;
  return result as ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: boolean }>>;
}

/** `--warmups -1` as `--warmups=-1` (and `-r -1` as `-r-1`): only numbers, only after a flag that takes a value. */
function withNegativeValues(argv: string[], options: FlagOptions): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === "--") {
      args.push(...argv.slice(index));
      break;
    }
    const next = argv[index + 1];
    const name = arg.startsWith("--")
      ? arg.slice(2)
      : /^-[^-]$/.test(arg)
        ? Object.keys(options).find((key) => options[key]?.short === arg.slice(1))
        : undefined;
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      args.push(arg.startsWith("--") ? `${arg}=${next}` : `${arg}${next}`);
      index++;
      continue;
    }
    args.push(arg);
  }
  return args;
}

/** Parses a comma-separated list of allowed words, naming the flag when one is not allowed. */
export function parseList<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const values = raw
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
  if (values.length === 0) {
    throw new CliUsageError(`--${flag} is empty (allowed: ${allowed.join(", ")})`);
  }
  for (const value of values) {
    if (!allowed.includes(value as T)) {
      throw new CliUsageError(`--${flag}: "${value}" is not allowed (allowed: ${allowed.join(", ")})`);
    }
  }
  return [...new Set(values)] as T[];
}

/** Parses an integer flag within bounds, naming the flag and the range otherwise. */
export function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliUsageError(`--${flag}: "${raw}" is not allowed (allowed: an integer from ${min} to ${max})`);
  }
  return value;
}

/**
 * Checks a flag's value by the rule of the field it is stored in (one rule for every edge,
 * db/input-bounds.ts), so a value a server or an ingest would refuse is refused before a
 * run starts, naming the flag and what is allowed.
 */
export function parseWithRule<T extends z.ZodType>(flag: string, raw: unknown, rule: T): z.output<T> {
  const parsed = rule.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const value = Array.isArray(raw) && typeof issue?.path[0] === "number" ? raw[issue.path[0]] : raw;
  const allowed = issue?.message ?? "invalid";
  if (typeof value !== "string") throw new CliUsageError(`--${flag}: not allowed (${allowed})`);
  // Escaped (a newline shows as \n) and cut: the message is one readable line.
  const escaped = JSON.stringify(value).slice(1, -1);
  const shown = escaped.length > 60 ? `${escaped.slice(0, 57)}...` : escaped;
  throw new CliUsageError(`--${flag}: "${shown}" is not allowed (${allowed})`);
}
