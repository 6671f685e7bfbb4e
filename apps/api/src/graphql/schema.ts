import { readFileSync } from "node:fs";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { schemaUrl } from "@threadbench/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "./resolvers.js";

/**
 * packages/schema/schema.graphql (@threadbench/schema) is the source of truth
 * (SDL-first): its own package, so the dashboard's codegen reads the same file without
 * depending on this one.
 */
export function readTypeDefs(): string {
  return readFileSync(schemaUrl, "utf8");
}

/** The executable schema: committed SDL + resolvers. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readTypeDefs(),
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: "error" },
  });
}
