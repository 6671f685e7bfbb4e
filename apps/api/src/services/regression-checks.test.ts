import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client.js";
import { RunEventBus } from "./events.js";
import { RegressionChecks } from "./regression-checks.js";

describe("RegressionChecks", () => {
  it("logs a failing check and resolves with nothing, so the stored run is not failed", async () => {
    const failing = new Proxy(
      {},
      {
        get: () => {
          throw new Error("the database went away");
        },
      },
    );
    const database = { provider: "sqlite", prisma: failing, close: async () => {} } as unknown as Database;
    const logged: unknown[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const events = new RunEventBus();
    const announced: unknown[] = [];
    events.onRegression((regression) => announced.push(regression));
    const checks = new RegressionChecks({ database, events, logger });

    await expect(checks.check("run-1")).resolves.toEqual([]);
    // The queue keeps going after a failure.
    await expect(checks.check("run-2")).resolves.toEqual([]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ runId: "run-1", err: { message: "the database went away" } });
    expect(announced).toEqual([]);

    await checks.close();
    await expect(checks.check("run-3")).resolves.toEqual([]);
    expect(logged).toHaveLength(2);
  });
});
