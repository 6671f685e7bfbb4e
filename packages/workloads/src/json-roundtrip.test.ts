import { describe, expect, it } from "vitest";
import { generateDocument, type JsonValue, jsonRoundtrip } from "./json-roundtrip.js";
import { checksumOf } from "./test-fixtures/harness.js";

/** Counts the parts of a document with a stack instead of recursion: a second way to measure it. */
function countParts(document: JsonValue) {
  const counts = { keys: 0, chars: 0, quarters: 0, trues: 0, nulls: 0 };
  const stack: JsonValue[] = [document];
  while (stack.length > 0) {
    const value = stack.pop() as JsonValue;
    if (value === null) counts.nulls++;
    else if (value === true) counts.trues++;
    else if (typeof value === "number") counts.quarters += Math.round(value * 4);
    else if (typeof value === "string") counts.chars += value.length;
    else if (Array.isArray(value)) stack.push(...value);
    else if (typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        counts.keys++;
        counts.chars += key.length;
        stack.push(child);
      }
    }
  }
  return counts;
}

function referenceChecksum(documents: number, fields: number, depth: number): string {
  const total = { length: 0, keys: 0, chars: 0, quarters: 0, trues: 0, nulls: 0 };
  for (let index = 0; index < documents; index++) {
    const document = generateDocument(index, fields, depth);
    total.length += JSON.stringify(document).length;
    const counts = countParts(document);
    total.keys += counts.keys;
    total.chars += counts.chars;
    total.quarters += counts.quarters;
    total.trues += counts.trues;
    total.nulls += counts.nulls;
  }
  return (
    `documents=${documents};length=${total.length};keys=${total.keys};chars=${total.chars};` +
    `numbers=${total.quarters / 4};true=${total.trues};null=${total.nulls}`
  );
}

describe("json-roundtrip", () => {
  it("generates documents that survive the round trip unchanged", () => {
    for (let index = 0; index < 50; index++) {
      const document = generateDocument(index, 12, 3);
      expect(JSON.parse(JSON.stringify(document))).toStrictEqual(document);
    }
  });

  it("generates the same document for the same index, and different ones for others", () => {
    expect(generateDocument(7, 10, 2)).toStrictEqual(generateDocument(7, 10, 2));
    expect(generateDocument(7, 10, 2)).not.toStrictEqual(generateDocument(8, 10, 2));
  });

  it("nests one child object per level, with `fields` fields each", () => {
    let level = generateDocument(3, 6, 4) as Record<string, JsonValue>;
    for (let depth = 4; depth > 0; depth--) {
      expect(Object.keys(level)).toHaveLength(7);
      level = level.child as Record<string, JsonValue>;
    }
    expect(Object.keys(level)).toHaveLength(6);
  });

  it("exercises escapes and non-ASCII text", () => {
    const text = Array.from({ length: 20 }, (_, index) =>
      JSON.stringify(generateDocument(index, 20, 1)),
    ).join("");
    expect(text).toMatch(/\\"/);
    expect(text).toMatch(/\\n/);
    expect([...text].some((char) => char.charCodeAt(0) > 0x7f)).toBe(true);
  });

  it.each([
    [1, 1, 0],
    [25, 5, 2],
    [40, 20, 3],
  ])("matches an independent measure for %i documents, %i fields, depth %i", (documents, fields, depth) => {
    expect(checksumOf(jsonRoundtrip, { documents, fields, depth })).toBe(
      referenceChecksum(documents, fields, depth),
    );
  });
});
