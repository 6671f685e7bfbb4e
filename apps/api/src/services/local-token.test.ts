import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localToken } from "./local-token.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "threadbench-token-"));
  directories.push(directory);
  return directory;
}

describe("localToken", () => {
  it("creates a private token once and reuses it on the next start", () => {
    const directory = scratch();
    const first = localToken({ THREADBENCH_DATA_DIR: directory });
    expect(first.path).toBe(join(directory, "api-token"));
    expect(first.token.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const second = localToken({ THREADBENCH_DATA_DIR: directory });
    expect(second.token.secret).toBe(first.token.secret);
  });

  it("replaces a file that does not hold a usable secret", () => {
    const directory = scratch();
    writeFileSync(join(directory, "api-token"), "short\n");
    const { token, path } = localToken({ THREADBENCH_DATA_DIR: directory });
    expect(token.secret).not.toBe("short");
    expect(readFileSync(path, "utf8").trim()).toBe(token.secret);
  });
});
