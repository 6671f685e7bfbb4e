import { describe, expect, it } from "vitest";
import { generateLine, regexScan } from "./regex-scan.js";
import { checksumOf } from "./test-fixtures/harness.js";

const isDigits = (text: string) => text.length > 0 && [...text].every((char) => char >= "0" && char <= "9");
const isLetters = (text: string) =>
  text.length > 0 && [...text].every((char) => (char >= "a" && char <= "z") || (char >= "A" && char <= "Z"));

/** Validators written without regular expressions, applied to whitespace-separated tokens. */
function isEmail(token: string): boolean {
  const parts = token.split("@");
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  const labels = domain.split(".");
  const topLevel = labels[labels.length - 1] as string;
  const localChars = [...local].every((char) => isLetters(char) || isDigits(char) || "._%+-".includes(char));
  return (
    local.length > 0 &&
    localChars &&
    labels.length >= 2 &&
    labels.every((label) => label.length > 0) &&
    isLetters(topLevel) &&
    topLevel.length >= 2
  );
}

function isIsoDate(token: string): boolean {
  const parts = token.split("-");
  if (parts.length !== 3) return false;
  const [year, month, day] = parts as [string, string, string];
  return (
    year.length === 4 &&
    isDigits(year) &&
    month.length === 2 &&
    isDigits(month) &&
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    day.length === 2 &&
    isDigits(day) &&
    Number(day) >= 1 &&
    Number(day) <= 31
  );
}

function isIpv4(token: string): boolean {
  const octets = token.split(".");
  return (
    octets.length === 4 &&
    octets.every((octet) => isDigits(octet) && octet.length <= 3 && Number(octet) <= 255)
  );
}

/** Strips the punctuation the generator wraps tokens in. */
function unwrap(token: string): string {
  let core = token;
  if (core.startsWith("(") && core.endsWith(")")) core = core.slice(1, -1);
  else if (core.endsWith(",") || core.endsWith(".")) core = core.slice(0, -1);
  return core;
}

function referenceChecksum(lines: number, lineLength: number): string {
  const counts = { email: 0, date: 0, ipv4: 0 };
  for (let index = 0; index < lines; index++) {
    for (const token of generateLine(index, lineLength).split(" ").map(unwrap)) {
      if (isEmail(token)) counts.email++;
      if (isIsoDate(token)) counts.date++;
      if (isIpv4(token)) counts.ipv4++;
    }
  }
  return `email=${counts.email};date=${counts.date};ipv4=${counts.ipv4}`;
}

describe("regex-scan", () => {
  it("generates lines no longer than lineLength (unless one token is longer)", () => {
    for (let index = 0; index < 200; index++) {
      const line = generateLine(index, 60);
      expect(line.length <= 60 || !line.includes(" ")).toBe(true);
      expect(line.length).toBeGreaterThan(0);
    }
  });

  it("plants matches and near-misses of every pattern", () => {
    const text = Array.from({ length: 200 }, (_, index) => generateLine(index, 120)).join("\n");
    expect(text).toContain("@localhost");
    expect(text).toMatch(/\b\d{4}-1[3-9]-\d\d\b/);
    expect(text).toMatch(/\b(?:2[5-9][6-9]|[3-9]\d\d)\.\d+\.\d+\.\d+\b/);
  });

  it.each([
    [1, 20],
    [100, 80],
    [500, 120],
    [20, 2_000],
  ])(
    "matches token validators written without regexes for %i lines of %i characters",
    (lines, lineLength) => {
      expect(checksumOf(regexScan, { lines, lineLength })).toBe(referenceChecksum(lines, lineLength));
    },
  );

  it("finds a sensible number of matches at the default size", () => {
    const counts = checksumOf(regexScan, {})
      .split(";")
      .map((entry) => Number(entry.split("=")[1]));
    for (const count of counts) expect(count).toBeGreaterThan(1_000);
  });
});
