import { z } from "zod";
import { defineWorkload, rangeTask } from "./define.js";
import { xorshift32 } from "./random.js";

/** JSON-compatible data, as generated and as parsed back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const KEY_NAMES = ["id", "name", "title", "status", "price", "count", "tags", "note", "owner", "score"];
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"];
/** Characters that make the serializer escape or handle non-ASCII text. */
const SPECIAL = ['"', "\\", "\n", "\t", "é", "€", "中", "😀", "/", "<"];

function pick<T>(items: readonly T[], random: () => number): T {
  return items[random() % items.length] as T;
}

function generateString(random: () => number, special: boolean): string {
  const words = 1 + (random() % 4);
  let text = pick(WORDS, random);
  for (let word = 1; word < words; word++) {
    text += special && random() % 2 === 0 ? pick(SPECIAL, random) : " ";
    text += pick(WORDS, random);
  }
  return text;
}

function generateObject(random: () => number, fields: number, depth: number): JsonValue {
  const object: { [key: string]: JsonValue } = {};
  for (let field = 0; field < fields; field++) {
    const key = `${pick(KEY_NAMES, random)}${field}`;
    switch (random() % 7) {
      case 0:
        object[key] = (random() % 200_001) - 100_000;
        break;
      case 1:
        // Quarters are exact in binary, so sums of them are exact at any chunking.
        object[key] = ((random() % 80_001) - 40_000) / 4;
        break;
      case 2:
        object[key] = generateString(random, false);
        break;
      case 3:
        object[key] = generateString(random, true);
        break;
      case 4:
        object[key] = random() % 2 === 0;
        break;
      case 5:
        object[key] = null;
        break;
      default: {
        const length = random() % 6;
        const items: JsonValue[] = [];
        for (let item = 0; item < length; item++) items.push((random() % 2_001) - 1_000);
        object[key] = items;
      }
    }
  }
  // One nested child per level keeps the size linear in depth: fields * (depth + 1) values.
  if (depth > 0) object.child = generateObject(random, fields, depth - 1);
  return object;
}

/** Document `index`: an object of `fields` mixed fields with a nested child `depth` levels deep. */
export function generateDocument(index: number, fields: number, depth: number): JsonValue {
  return generateObject(xorshift32(index), fields, depth);
}

/** Integer measures of a parsed document; every one sums exactly across documents. */
export interface JsonMeasure {
  keys: number;
  /** UTF-16 code units of all keys and string values. */
  stringChars: number;
  /** Sum of all numbers times 4: an exact integer, since every number is a multiple of 1/4. */
  numberQuarters: number;
  trues: number;
  nulls: number;
}

/** Folds the measures of `value` into `measure`. */
export function measureValue(value: JsonValue, measure: JsonMeasure): void {
  if (value === null) {
    measure.nulls++;
  } else if (typeof value === "boolean") {
    if (value) measure.trues++;
  } else if (typeof value === "number") {
    measure.numberQuarters += value * 4;
  } else if (typeof value === "string") {
    measure.stringChars += value.length;
  } else if (Array.isArray(value)) {
    for (const item of value) measureValue(item, measure);
  } else {
    for (const key in value) {
      measure.keys++;
      measure.stringChars += key.length;
      measureValue(value[key] as JsonValue, measure);
    }
  }
}

interface JsonRoundtripPartial extends JsonMeasure {
  documents: number;
  /** UTF-16 code units of all serialized documents. */
  serializedLength: number;
}

const parameters = z.object({
  documents: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(500)
    .meta({ description: "Documents per task; one unit of work is one document", unit: "documents" }),
  fields: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(20)
    .meta({ description: "Fields of each object in a document", unit: "fields" }),
  depth: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(3)
    .meta({ description: "Levels of nested child objects below the top", unit: "levels" }),
});

/** JSON.stringify then JSON.parse of generated documents. */
export const jsonRoundtrip = defineWorkload({
  id: "json-roundtrip",
  title: "JSON round trip",
  description:
    "Builds generated documents (objects of mixed integers, fractions, strings with " +
    "escapes and non-ASCII text, booleans, nulls, small arrays and nested child objects), " +
    "serializes each with JSON.stringify and parses it back with JSON.parse, then walks " +
    "the result. Allocation-heavy work on many small objects, the everyday load of API " +
    "servers, so it also measures the garbage collector and per-thread heaps. The " +
    "checksum adds integer measures of every parsed document, so any chunking agrees.",
  parameters,
  unitName: "documents",
  units: (params) => params.documents,
  createTask(params, range) {
    const partial: JsonRoundtripPartial = {
      documents: 0,
      serializedLength: 0,
      keys: 0,
      stringChars: 0,
      numberQuarters: 0,
      trues: 0,
      nulls: 0,
    };
    return rangeTask<JsonRoundtripPartial>(
      range,
      (from, to) => {
        for (let index = from; index < to; index++) {
          const text = JSON.stringify(generateDocument(index, params.fields, params.depth));
          partial.serializedLength += text.length;
          measureValue(JSON.parse(text) as JsonValue, partial);
        }
        partial.documents += to - from;
      },
      () => ({ ...partial }),
    );
  },
  combine(_params, partials) {
    const total = { documents: 0, length: 0, keys: 0, chars: 0, quarters: 0, trues: 0, nulls: 0 };
    for (const partial of partials) {
      total.documents += partial.documents;
      total.length += partial.serializedLength;
      total.keys += partial.keys;
      total.chars += partial.stringChars;
      total.quarters += partial.numberQuarters;
      total.trues += partial.trues;
      total.nulls += partial.nulls;
    }
    return {
      checksum:
        `documents=${total.documents};length=${total.length};keys=${total.keys};` +
        `chars=${total.chars};numbers=${total.quarters / 4};true=${total.trues};null=${total.nulls}`,
    };
  },
});
