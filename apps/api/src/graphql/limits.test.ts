import { readFileSync } from "node:fs";
import type { OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { defaultLimits } from "../services/config.js";
import { fragmentBomb } from "../test/hostile-documents.js";
import { getVariableValues, Kind, parse, specifiedRules, validate } from "./graphql-js.js";
import { assertCostWithinLimit, limitRules, limitWork, operationCost } from "./limits.js";
import { createSchema } from "./schema.js";

const schema = createSchema();

function fragmentVisitsOf(run: () => void): number {
  const before = limitWork.fragmentVisits;
  run();
  return limitWork.fragmentVisits - before;
}

describe("limits on fragments (issue 11: fragment expansion held the event loop for seconds)", () => {
  it("measures depth and cost of a doubling fragment chain by visiting each fragment once", () => {
    for (const levels of [10, 22, 60]) {
      const document = parse(fragmentBomb(levels));
      const visits = fragmentVisitsOf(() => {
        const errors = validate(schema, document, [...specifiedRules, ...limitRules(defaultLimits)]);
        expect(errors).toEqual([]);
      });
      // The depth rule walks every fragment once: linear in the document, not 2^levels.
      expect(visits).toBe(levels + 1);
      const operation = document.definitions[0];
      if (operation?.kind !== "OperationDefinition") throw new Error("expected the operation first");
      let cost = 0;
      const costVisits = fragmentVisitsOf(() => {
        cost = operationCost(schema, document, operation, {});
      });
      expect(costVisits).toBe(levels + 1);
      // The figure is still the expanded one (so the cost limit rejects it), up to the
      // largest exact integer.
      expect(cost).toBe(Math.min(1 + 2 ** levels, Number.MAX_SAFE_INTEGER));
    }
  });

  it("stops at a cycle of fragments (NoFragmentCyclesRule reports it) instead of recursing for ever", () => {
    const document = parse(
      "{ planLimits { ...A } } fragment A on PlanLimits { maxThreads ...B } fragment B on PlanLimits { ...A }",
    );
    const errors = validate(schema, document, [...specifiedRules, ...limitRules(defaultLimits)]);
    expect(errors.map((error) => error.message).join("\n")).toMatch(
      /Cannot spread fragment "A" within itself/,
    );
  });

  it("still measures depth through fragments and inline fragments", () => {
    const document = parse(
      "{ runs { edges { ...E } } } fragment E on RunEdge { node { ... on Run { measurements { ...M } } } } fragment M on Measurement { samples { wallMs } }",
    );
    const errors = validate(schema, document, limitRules({ ...defaultLimits, maxDepth: 5 }));
    expect(errors[0]?.extensions).toMatchObject({ limit: "depth", actual: 6, maximum: 5 });
  });
});

function costOf(source: string, variables: Record<string, unknown> = {}): number {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error("expected an operation");
  return operationCost(schema, document, operation, variables);
}

/** The dashboard's operations (apps/web/src/graphql), each with every fragment they may spread. */
function dashboardOperations(): { name: string; source: string }[] {
  const files = ["queries.ts", "client-operations.ts"].map((file) =>
    readFileSync(new URL(`../../../web/src/graphql/${file}`, import.meta.url), "utf8"),
  );
  const bodies = files.flatMap((text) =>
    [...text.matchAll(/graphql\(`([^`]*)`\)/g)].map((match) => match[1] ?? ""),
  );
  const fragments = bodies.filter((body) => body.trim().startsWith("fragment")).join("\n");
  return bodies
    .filter((body) => !body.trim().startsWith("fragment"))
    .map((body) => ({
      name: /(?:query|mutation|subscription) (\w+)/.exec(body)?.[1] ?? "?",
      source: `${body}\n${fragments}`,
    }));
}

describe("cost of computed fields (changePoints held the event loop for 9-33 s)", () => {
  const expensive = [
    "{ seriesList(first: 500) { key changePoints(last: 2000) { index } } }",
    "{ a: seriesList(first: 500) { changePoints(last: 2000) { index } } b: seriesList(first: 500) { changePoints(last: 2000) { index } } c: seriesList(first: 500) { changePoints(last: 2000) { index } } }",
    "{ seriesPage(first: 200) { nodes { series { changePoints(last: 2000) { index } } } } }",
    // Ten series' detections at the default last (500) is 25,000 of work per alias.
    "{ a: seriesList(first: 10) { changePoints { index } } b: seriesList(first: 10) { changePoints { index } } c: seriesList(first: 10) { changePoints { index } } }",
    // Sparklines: 200 series x 200 values, read under 20 aliases, cost 11 each before.
    `{ ${Array.from({ length: 2 }, (_, index) => `p${index}: seriesPage(first: 200, recentPoints: 200) { nodes { recent } }`).join(" ")} }`,
  ];

  it.each(expensive)("refuses %s with a message that says what is allowed", (source) => {
    const document = parse(source);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(() => assertCostWithinLimit(schema, document, operation, {}, defaultLimits.maxCost)).toThrowError(
      /estimated cost is \d+; allowed: at most 50000 \(.*changePoints 5 per point of its last/,
    );
  });

  it("counts detection per point of last, for every series of the list it is under", () => {
    const one = costOf("{ seriesList(first: 1) { changePoints(last: 2000) { index } } }");
    const hundred = costOf("{ seriesList(first: 100) { changePoints(last: 2000) { index } } }");
    expect(one).toBeGreaterThanOrEqual(5 * 2000);
    expect(hundred).toBe(100 * (one - 1) + 1);
    // The default last (500) counts when the argument is left out, and a variable counts as given.
    expect(costOf("{ seriesList(first: 1) { changePoints { index } } }")).toBe(
      costOf("query ($last: Int) { seriesList(first: 1) { changePoints(last: $last) { index } } }", {
        last: 500,
      }),
    );
  });

  it("counts efficiencyHistory as 9,000: five in one operation pass, six are refused (20 took 1.8 s)", () => {
    const histories = (count: number) =>
      `{ ${Array.from({ length: count }, (_, index) => `h${index}: efficiencyHistory(workload: "w", testbedId: "t", mode: "m") { buckets }`).join(" ")} }`;
    expect(costOf(histories(1))).toBeGreaterThanOrEqual(9_000);
    expect(costOf(histories(5))).toBeLessThanOrEqual(defaultLimits.maxCost);
    const document = parse(histories(6));
    expect(() =>
      assertCostWithinLimit(
        schema,
        document,
        document.definitions[0] as OperationDefinitionNode,
        {},
        defaultLimits.maxCost,
      ),
    ).toThrowError(/allowed: at most 50000 \(.*efficiencyHistory 9000\)/);
  });

  it("keeps every dashboard query allowed with the largest values the dashboard sends", () => {
    const variables = {
      ...{ key: "k", id: "i", base: "b", head: "h", branch: "main", workload: "w", machine: "m" },
      ...{ ids: ["a"], testbedId: "t", mode: "threads" },
      // Runs export pages of 200; the series page's largest point limit is 4,000.
      ...{ first: 200, maxPoints: 4000, buckets: 200 },
    };
    const operations = dashboardOperations().filter(({ source }) => !source.trim().startsWith("mutation"));
    expect(operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining(["Overview", "SeriesExplorer", "SeriesChart", "Branches", "RunProgress"]),
    );
    for (const { name, source } of operations) {
      const document = parse(source);
      const operation = document.definitions.find(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      ) as OperationDefinitionNode;
      // Every variable coerced, so that the largest values above are the ones counted.
      expect(
        getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors,
      ).toBeUndefined();
      const cost = operationCost(schema, document, operation, variables);
      expect({ name, allowed: cost <= defaultLimits.maxCost, cost }).toMatchObject({ name, allowed: true });
    }
  });
});
