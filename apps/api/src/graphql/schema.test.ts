import { describe, expect, it } from "vitest";
import { resolvers } from "./resolvers.js";
import { createSchema } from "./schema.js";

describe("schema.graphql", () => {
  it("builds with the resolvers, and every root field has one", () => {
    const schema = createSchema();
    const roots = {
      Query: schema.getQueryType(),
      Mutation: schema.getMutationType(),
      Subscription: schema.getSubscriptionType(),
    };
    for (const [name, type] of Object.entries(roots)) {
      const implemented = Object.keys((resolvers as Record<string, object>)[name] ?? {});
      expect(Object.keys(type?.getFields() ?? {}).sort(), name).toEqual(implemented.sort());
    }
  });
});
