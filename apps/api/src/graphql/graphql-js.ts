import { createRequire } from "node:module";

/**
 * graphql-js, loaded the way Node loads it for Apollo Server and graphql-tools (its
 * CommonJS build: the package has no "exports" map). Vitest resolves a plain
 * `import "graphql"` in our sources to the package's ESM build instead, and graphql-js
 * refuses to mix objects of two copies ("Cannot use GraphQLObjectType from another
 * module or realm"). Value imports go through here; type imports may use "graphql".
 */
const graphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export const {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
} = graphql;
export type GraphQLError = import("graphql").GraphQLError;
export type GraphQLScalarType = import("graphql").GraphQLScalarType;
