import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";
import { xorshift32 } from "./random.js";

/** The patterns, in checksum order. Global, so each scan counts every match in a line. */
export const REGEX_PATTERNS = {
  email: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g,
  date: /\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b/g,
  ipv4: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g,
} as const;
export type RegexPatternName = keyof typeof REGEX_PATTERNS;
const PATTERN_NAMES = Object.keys(REGEX_PATTERNS) as RegexPatternName[];

const WORDS = [
  "the",
  "request",
  "from",
  "user",
  "failed",
  "after",
  "retry",
  "server",
  "cache",
  "miss",
  "timeout",
  "connected",
  "to",
  "host",
  "session",
  "expired",
  "GET",
  "POST",
  "status",
  "ok",
];
const TLDS = ["com", "org", "net", "io", "de"];
const DOMAINS = ["example", "mail", "corp", "threadbench", "test"];

function pick<T>(items: readonly T[], random: () => number): T {
  return items[random() % items.length] as T;
}

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** One token of a log line: mostly words, some matches, and near-misses that must not match. */
function generateToken(random: () => number): string {
  switch (random() % 20) {
    case 0:
    case 1: {
      const local = `${pick(WORDS, random).toLowerCase()}${random() % 2 === 0 ? `.${random() % 100}` : "_x"}`;
      const domain =
        random() % 3 === 0 ? `${pick(DOMAINS, random)}.${pick(DOMAINS, random)}` : pick(DOMAINS, random);
      return `${local}@${domain}.${pick(TLDS, random)}`;
    }
    case 2:
      // No top-level domain: not an address.
      return `${pick(WORDS, random).toLowerCase()}@localhost`;
    case 3:
    case 4:
      return `${1970 + (random() % 130)}-${pad2(1 + (random() % 12))}-${pad2(1 + (random() % 28))}`;
    case 5:
      // Month 13..19: looks like a date, is not one.
      return `${1970 + (random() % 130)}-${13 + (random() % 7)}-${pad2(1 + (random() % 28))}`;
    case 6:
    case 7:
      return `${random() % 256}.${random() % 256}.${random() % 256}.${random() % 256}`;
    case 8:
      // One octet of 256..999: not an address.
      return `${256 + (random() % 744)}.${random() % 256}.${random() % 256}.${random() % 256}`;
    default:
      return pick(WORDS, random);
  }
}

/** Line `index` of the generated log: tokens, some wrapped in punctuation, up to `lineLength` characters. */
export function generateLine(index: number, lineLength: number): string {
  const random = xorshift32(index);
  let line = "";
  for (;;) {
    let token = generateToken(random);
    const wrap = random() % 8;
    if (wrap === 0) token = `(${token})`;
    else if (wrap === 1) token = `${token},`;
    else if (wrap === 2) token = `${token}.`;
    if (line.length > 0 && line.length + 1 + token.length > lineLength) return line;
    line = line.length > 0 ? `${line} ${token}` : token;
  }
}

interface RegexScanPartial {
  /** Matches per pattern, in the order of REGEX_PATTERNS. */
  matches: number[];
}

const parameters = z.object({
  lines: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(10_000)
    .meta({ description: "Log lines per task; one unit of work is one line", unit: "lines" }),
  lineLength: z
    .number()
    .int()
    .min(20)
    .max(10_000)
    .default(120)
    .meta({ description: "Length of each generated line, at most", unit: "characters" }),
});

/** Generated log lines scanned for email addresses, ISO dates and IPv4 addresses. */
export const regexScan = defineWorkload({
  id: "regex-scan",
  title: "Regular-expression scan",
  description:
    "Generates log-like text lines (words, email addresses, ISO dates and IPv4 addresses, " +
    "plus near-misses such as month 13 or an octet above 255) and scans every line with " +
    "three realistic global regular expressions, counting the matches of each. This is " +
    "the backtracking regex engine and string building at work, as in log processing " +
    "and input validation. The checksum is the match count per pattern, the same for " +
    "any chunking.",
  parameters,
  unitName: "lines",
  units: (params) => params.lines,
  createTask(params, range) {
    // Own copies: a global regex keeps lastIndex state, which must not leak between tasks.
    const patterns = PATTERN_NAMES.map((name) => new RegExp(REGEX_PATTERNS[name]));
    const matches = PATTERN_NAMES.map(() => 0);
    return rangeTask<RegexScanPartial>(
      range,
      (from, to) => {
        for (let index = from; index < to; index++) {
          const line = generateLine(index, params.lineLength);
          for (let pattern = 0; pattern < patterns.length; pattern++) {
            const regex = patterns[pattern] as RegExp;
            regex.lastIndex = 0;
            let count = 0;
            while (regex.exec(line) !== null) count++;
            matches[pattern] = (matches[pattern] as number) + count;
          }
        }
      },
      () => ({ matches: [...matches] }),
    );
  },
  combine(_params, partials) {
    const totals = PATTERN_NAMES.map(() => 0);
    for (const partial of partials) {
      partial.matches.forEach((count, pattern) => {
        totals[pattern] = (totals[pattern] as number) + count;
      });
    }
    return { checksum: PATTERN_NAMES.map((name, pattern) => `${name}=${totals[pattern]}`).join(";") };
  },
});
