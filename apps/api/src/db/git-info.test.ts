import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commitMessageFor, commitSubject, gitInfo, headSubjectFor } from "./git-info.js";

// A real git checkout with two commits: what `threadbench run`, `ingest` and the API's
// startRun record of the commit a run measured (its SHA, branch and message's first line).

const root = mkdtempSync(path.join(tmpdir(), "threadbench-git-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.test",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.test",
    },
  }).trim();
}

describe("the commit a run is recorded for", () => {
  it("reads HEAD's SHA, branch and the first line of its message", async () => {
    git("init", "-q", "-b", "perf/pool");
    expect(await gitInfo(root, {})).toEqual({ commitSha: null, branch: null, commitMessage: null });
    writeFileSync(path.join(root, "a.txt"), "1");
    git("add", "a.txt");
    git("commit", "-q", "-m", "Pool: start workers once", "-m", "They were started per cell.");
    const first = git("rev-parse", "HEAD");
    writeFileSync(path.join(root, "a.txt"), "2");
    git("commit", "-q", "-am", "Chunk the input in 4 KiB blocks");
    const head = git("rev-parse", "HEAD");

    const info = await gitInfo(root, {});
    expect(info).toEqual({
      commitSha: head,
      branch: "perf/pool",
      commitMessage: "Chunk the input in 4 KiB blocks",
    });
    // --commit naming HEAD (short or long), another commit of this checkout, or one it lacks.
    expect(await commitMessageFor(root, info, head.slice(0, 7))).toBe("Chunk the input in 4 KiB blocks");
    expect(await commitMessageFor(root, info, first)).toBe("Pool: start workers once");
    expect(await commitMessageFor(root, info, "c0ffee".padEnd(40, "0"))).toBeNull();
    expect(await commitMessageFor(root, info, "--output=x")).toBeNull();
    expect(await commitMessageFor(root, info, null)).toBeNull();
    // Ingest looks nothing up: HEAD's subject for HEAD only.
    expect(headSubjectFor(info, head.slice(0, 7).toUpperCase())).toBe("Chunk the input in 4 KiB blocks");
    expect(headSubjectFor(info, first)).toBeNull();
    expect(headSubjectFor(info, null)).toBeNull();
    expect(headSubjectFor({ commitSha: null, commitMessage: "x" }, head)).toBeNull();

    // A detached HEAD takes the CI system's branch name.
    git("checkout", "-q", "--detach");
    expect((await gitInfo(root, { GITHUB_HEAD_REF: "feature/x" })).branch).toBe("feature/x");
  });

  it("keeps a message's first line, at most 500 characters", () => {
    expect(commitSubject("  Fix the pool  \r\n\r\nbody")).toBe("Fix the pool");
    expect(commitSubject("\nstarts with a blank line")).toBeNull();
    expect(commitSubject("")).toBeNull();
    expect(commitSubject(null)).toBeNull();
    const long = commitSubject("x".repeat(2_000)) as string;
    expect(long).toHaveLength(500);
    expect(long.endsWith("…")).toBe(true);
  });
});
