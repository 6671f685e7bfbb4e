import type { Adapter, HarnessInput } from "./types.js";
import { isObject } from "./validate.js";

/**
 * threadbench's own ingest format (version 1, apps/api/ingest/threadbench-ingest-v1.schema.json):
 * the document goes to the store as is, which validates it field by field.
 */
export const threadbenchAdapter: Adapter = {
  name: "threadbench",
  reads: "threadbench ingest format v1 JSON",
  detect(input: HarnessInput): boolean {
    const json = input.json;
    // The version field alone: a broken v1 document must reach the store's validation, which
    // names every bad field, rather than be "no known format".
    return isObject(json) && "formatVersion" in json;
  },
  parse(input) {
    return { kind: "ingest-document", adapter: "threadbench", document: input.json };
  },
};
