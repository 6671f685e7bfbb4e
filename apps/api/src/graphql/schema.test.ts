import {
  cellStatuses,
  checksumStatuses,
  regressionKinds,
  regressionMetrics,
  regressionStatuses,
  runSources,
  runStatuses,
  scalingKinds,
} from "@threadbench/core";
import type { GraphQLEnumType, GraphQLObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { enumResolvers } from "./enum-values.js";
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

describe("enum internal values (enum-values.ts)", () => {
  const stored: Record<string, readonly string[]> = {
    RunStatus: runStatuses,
    RunSource: runSources,
    ScalingKind: scalingKinds,
    CellStatus: cellStatuses,
    ChecksumStatus: checksumStatuses,
    RegressionKind: regressionKinds,
    RegressionStatus: regressionStatuses,
    RegressionMetric: regressionMetrics,
  };

  it("maps every value of each mapped enum to a distinct internal value, and the stored values one to one", () => {
    const schema = createSchema();
    for (const [enumName, table] of Object.entries(enumResolvers)) {
      const type = schema.getType(enumName);
      if (type?.astNode?.kind !== "EnumTypeDefinition") throw new Error(`${enumName} is not an enum`);
      const values = (type as GraphQLEnumType).getValues();
      expect(values.map((value) => value.name).sort(), enumName).toEqual(Object.keys(table).sort());
      // A value left unmapped would keep its uppercase name as internal value.
      for (const value of values) expect(value.value, `${enumName}.${value.name}`).not.toBe(value.name);
      expect(new Set(values.map((value) => value.value)).size, enumName).toBe(values.length);
      if (stored[enumName]) {
        expect(Object.values(table).sort(), enumName).toEqual([...(stored[enumName] ?? [])].sort());
      }
    }
  });

  it("reads lowercase values from resolvers and sends SCREAMING_SNAKE names, and parses names back", () => {
    const type = createSchema().getType("RunStatus") as GraphQLEnumType;
    expect(type.serialize("succeeded")).toBe("SUCCEEDED");
    expect(type.parseValue("FAILED")).toBe("failed");
    expect(() => type.serialize("SUCCEEDED")).toThrow();
    const events = createSchema().getType("RunEventKind") as GraphQLEnumType;
    expect(events.serialize("regression-detected")).toBe("REGRESSION_DETECTED");
    expect(events.serialize("succeeded")).toBe("SUCCEEDED");
  });

  it("keeps the deprecated names with a reason: RunEventKind.FINISHED, Regression.baselineValue/currentValue", () => {
    const schema = createSchema();
    const finished = (schema.getType("RunEventKind") as GraphQLEnumType).getValue("FINISHED");
    expect(finished?.deprecationReason).toMatch(/SUCCEEDED/);
    const regression = schema.getType("Regression") as GraphQLObjectType;
    expect(regression.getFields().baselineValue?.deprecationReason).toMatch(/beforeValue/);
    expect(regression.getFields().currentValue?.deprecationReason).toMatch(/afterValue/);
    expect(regression.getFields().beforeValue?.deprecationReason).toBeUndefined();
  });
});
