import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../db/repo-root.js";

const apiRoot = join(repoRoot(), "apps", "api");
const manifest = JSON.parse(readFileSync(join(apiRoot, "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
};

describe("the threadbench bin (npx threadbench failed in a fresh clone)", () => {
  it("points at a committed launcher, so npm links it before anything is built", () => {
    const target = manifest.bin.threadbench ?? "";
    expect(target).toBe("./bin/threadbench.mjs");
    const tracked = execFileSync("git", ["ls-files", "--error-unmatch", join("apps/api", target)], {
      cwd: repoRoot(),
      encoding: "utf8",
    });
    expect(tracked.trim()).toBe("apps/api/bin/threadbench.mjs");
  });

  it("prints the package's version through the launcher", () => {
    const output = execFileSync(process.execPath, [join(apiRoot, "bin", "threadbench.mjs"), "--version"], {
      encoding: "utf8",
    });
    expect(output.trim()).toBe(`threadbench ${manifest.version}`);
  });
});
