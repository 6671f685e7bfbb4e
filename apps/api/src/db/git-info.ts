import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface GitInfo {
  commitSha: string | null;
  branch: string | null;
  /** The first line of HEAD's commit message. */
  commitMessage: string | null;
}

/** Longest commit subject kept; longer ones are cut with an ellipsis. */
const maxSubject = 500;

/**
 * The first line of a commit message, trimmed and at most 500 characters (what the
 * dashboard shows next to a SHA); null when there is none.
 */
export function commitSubject(message: string | null | undefined): string | null {
  const line = (message ?? "").split(/\r?\n/, 1)[0]?.trim() ?? "";
  if (!line) return null;
  return line.length > maxSubject ? `${line.slice(0, maxSubject - 1)}…` : line;
}

async function git(cwd: string, ...args: string[]): Promise<string | null> {
  try {
    const { stdout } = await run("git", args, { cwd, timeout: 5_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The commit SHA, branch and commit subject of the git checkout containing `cwd`, or
 * nulls outside a checkout (or without git). A detached HEAD has no branch; CI systems
 * usually say which one through GITHUB_REF_NAME / CI_COMMIT_REF_NAME, used as a
 * fallback. Flags (`--commit`, `--branch`) override both.
 */
export async function gitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitInfo> {
  const commitSha = await git(cwd, "rev-parse", "HEAD");
  if (!commitSha) return { commitSha: null, branch: null, commitMessage: null };
  const [symbolic, subject] = await Promise.all([
    git(cwd, "rev-parse", "--abbrev-ref", "HEAD"),
    git(cwd, "log", "-1", "--format=%s", commitSha),
  ]);
  const branch =
    symbolic && symbolic !== "HEAD"
      ? symbolic
      : env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || null;
  return { commitSha, branch, commitMessage: commitSubject(subject) };
}

/** Whether `commitSha` (full or abbreviated, any case) names the checkout's HEAD. */
function namesHead(info: Pick<GitInfo, "commitSha">, commitSha: string): boolean {
  return info.commitSha?.toLowerCase().startsWith(commitSha.toLowerCase()) ?? false;
}

/**
 * HEAD's subject when `commitSha` names HEAD, else null: a run recorded for another
 * commit must not carry HEAD's message (ingest, where no other commit is looked up).
 */
export function headSubjectFor(
  info: { commitSha: string | null; commitMessage?: string | null | undefined },
  commitSha: string | null,
): string | null {
  return commitSha && namesHead(info, commitSha) ? (info.commitMessage ?? null) : null;
}

/**
 * The subject of the commit a run is recorded for: HEAD's when that is the commit (no
 * `--commit`, or `--commit` naming HEAD), else the named commit's when this checkout has
 * it, else none.
 */
export async function commitMessageFor(
  cwd: string,
  info: GitInfo,
  commitSha: string | null,
): Promise<string | null> {
  if (!commitSha) return null;
  if (namesHead(info, commitSha)) return info.commitMessage;
  if (!/^[0-9a-f]{4,64}$/i.test(commitSha)) return null;
  return commitSubject(await git(cwd, "log", "-1", "--format=%s", commitSha, "--"));
}
