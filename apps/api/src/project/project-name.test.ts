import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectFromGitRemote, projectFromRemoteUrl, resolveProjectName } from "./project-name.js";

describe("projectFromRemoteUrl", () => {
  it.each([
    ["https://github.com/acme/imaging.git", "acme/imaging"],
    ["https://github.com/acme/imaging", "acme/imaging"],
    ["https://github.com/acme/imaging/", "acme/imaging"],
    ["git@github.com:acme/imaging.git", "acme/imaging"],
    ["ssh://git@github.com:22/acme/imaging.git", "acme/imaging"],
    ["https://gitlab.com/group/subgroup/imaging.git", "group/subgroup/imaging"],
    ["/srv/git/acme/imaging.git", "acme/imaging"],
    ["file:///srv/git/acme/imaging.git", "acme/imaging"],
  ])("%s -> %s", (url, project) => {
    expect(projectFromRemoteUrl(url)).toBe(project);
  });

  it("never keeps credentials written into the URL", () => {
    const name = projectFromRemoteUrl("https://ci-bot:s3cret-token@github.com/acme/imaging.git");
    expect(name).toBe("acme/imaging");
    expect(name).not.toContain("s3cret");
  });

  it("gives null for nothing usable", () => {
    expect(projectFromRemoteUrl("")).toBeNull();
    expect(projectFromRemoteUrl("https://github.com/")).toBeNull();
  });
});

describe("projectFromGitRemote (a real git checkout)", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "threadbench-project-name-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("reads remote.origin.url, and falls back to the name given, then default", async () => {
    const checkout = path.join(scratch, "with-remote");
    execFileSync("git", ["init", "-q", checkout]);
    execFileSync("git", ["remote", "add", "origin", "git@github.com:acme/imaging.git"], { cwd: checkout });
    expect(await projectFromGitRemote(checkout)).toBe("acme/imaging");
    expect(await resolveProjectName(undefined, checkout)).toBe("acme/imaging");
    expect(await resolveProjectName("team/suite", checkout)).toBe("team/suite");

    const bare = path.join(scratch, "no-remote");
    execFileSync("git", ["init", "-q", bare]);
    expect(await projectFromGitRemote(bare)).toBeNull();
    expect(await resolveProjectName(undefined, bare)).toBe("default");
  });
});
