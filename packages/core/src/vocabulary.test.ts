import { describe, expect, it } from "vitest";
import { runtimeLabel } from "./vocabulary.js";

describe("runtimeLabel", () => {
  it("names node by its version", () => {
    expect(runtimeLabel({ runtime: "node", runtimeVersion: "v20.20.2" })).toBe("node 20.20.2");
  });

  it("tells a GIL build, a free-threaded build and a free-threaded build with the GIL forced on apart", () => {
    const gil = { runtime: "cpython", runtimeVersion: "3.13.0", gilEnabled: true, freeThreadedBuild: false };
    expect(runtimeLabel(gil)).toBe("cpython 3.13.0 (GIL)");
    expect(runtimeLabel({ ...gil, gilEnabled: false, freeThreadedBuild: true })).toBe(
      "cpython 3.13.0t (no GIL)",
    );
    expect(runtimeLabel({ ...gil, gilEnabled: true, freeThreadedBuild: true })).toBe(
      "cpython 3.13.0t (GIL forced on)",
    );
  });

  it("reads the older 'cpython-freethreading' runtime name as a free-threaded build without the GIL", () => {
    expect(runtimeLabel({ runtime: "cpython-freethreading", runtimeVersion: "3.13t" })).toBe(
      "cpython 3.13t (no GIL)",
    );
  });
});
