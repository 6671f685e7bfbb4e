import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface GitInfo {
  commitSha: string | null;
  branch: string | null;
}

/**
 * The commit SHA and branch of the git checkout containing `cwd`, or nulls outside a
 * checkout (or without git). A detached HEAD has no branch; CI systems usually say
 * which one through GITHUB_REF_NAME / CI_COMMIT_REF_NAME, used as a fallback.
 * Flags (`--commit`, `--branch`) override both.
 */
export async function gitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitInfo> {
  const git = async (...args: string[]): Promise<string | null> => {
    try {
      const { stdout } = await run("git", args, { cwd, timeout: 5_000 });
      return stdout.trim() || null;
    } catch {
      return null;
    }
  };
  const commitSha = await git("rev-parse", "HEAD");
  if (!commitSha) return { commitSha: null, branch: null };
  const symbolic = await git("rev-parse", "--abbrev-ref", "HEAD");
  const branch =
    symbolic && symbolic !== "HEAD"
      ? symbolic
      : env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || null;
  return { commitSha, branch };
}
