import { describe, expect, it } from "vitest";
import { defaultLimits } from "../services/config.js";
import { fragmentBomb } from "../test/hostile-documents.js";
import { parse, specifiedRules, validate } from "./graphql-js.js";
import { limitRules, limitWork, operationCost } from "./limits.js";
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
