import { readFileSync } from "node:fs";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "./resolvers.js";

/**
 * apps/api/schema.graphql is the source of truth (SDL-first): the same file from
 * src/graphql and from dist/graphql, both two levels below apps/api.
 */
export const schemaPath = new URL("../../schema.graphql", import.meta.url);

export function readTypeDefs(): string {
  return readFileSync(schemaPath, "utf8");
}

/** The executable schema: committed SDL + resolvers. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readTypeDefs(),
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: "error" },
  });
}
