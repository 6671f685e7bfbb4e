import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Absolute: project roots must not depend on the directory vitest is started from. */
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * One config, one project per package. Each package's `npm test` runs its own
 * project from the root (`vitest run --root ../.. --project NAME`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "workloads",
          root: at("./packages/workloads"),
          include: ["src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "core",
          root: at("./packages/core"),
          include: ["src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "adapters",
          root: at("./packages/adapters"),
          include: ["src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "api",
          root: at("./apps/api"),
          include: ["src/**/*.test.ts"],
          // One PostgreSQL server for the run (TEST_DATABASE_URL or an ephemeral cluster).
          globalSetup: ["src/test/postgres-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "web",
          root: at("./apps/web"),
          include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
        },
      },
      {
        test: {
          // Real browser against the production build and a real API: slow, serial.
          name: "e2e",
          root: at("./apps/web"),
          include: ["e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
