import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { defaultProject } from "../db/series-key.js";

const run = promisify(execFile);

/** Longest project name stored; a git path or a name a team chose fits easily. */
export const maxProjectNameLength = 200;

/**
 * "owner/repo" of a git remote URL: every path segment after the host (GitLab's nested
 * groups keep theirs: "group/subgroup/repo"), without ".git". Credentials in the URL
 * are never part of the result. A local path (`/srv/git/repo.git`, `file:///...`) gives
 * its last two segments. Null when nothing usable is left.
 */
export function projectFromRemoteUrl(url: string): string | null {
  const text = url.trim();
  if (!text) return null;
  let pathPart: string;
  const scpLike = /^(?:[^@/\s]+@)?[^:/\s]+:(?!\/\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return null;
    }
    pathPart = decodeURIComponent(parsed.pathname);
    if (parsed.protocol === "file:") return lastSegments(pathPart, 2);
  } else if (scpLike && !text.startsWith("/") && !/^[a-z]:[\\/]/i.test(text)) {
    pathPart = scpLike[1] as string;
  } else {
    return lastSegments(text, 2);
  }
  return lastSegments(pathPart, Number.POSITIVE_INFINITY);
}

function lastSegments(pathText: string, count: number): string | null {
  const segments = pathText
    .replace(/\\/g, "/")
    .split("/")
    .filter((segment) => segment && segment !== "." && segment !== "..");
  const last = segments.length - 1;
  if (last < 0) return null;
  segments[last] = (segments[last] as string).replace(/\.git$/, "");
  const name = segments
    .slice(Math.max(0, segments.length - count))
    .filter(Boolean)
    .join("/");
  return name ? name.slice(0, maxProjectNameLength) : null;
}

/** The git remote `origin` of the checkout containing `directory`, as a project name. */
export async function projectFromGitRemote(directory: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", ["config", "--get", "remote.origin.url"], {
      cwd: directory,
      timeout: 5_000,
    });
    return projectFromRemoteUrl(stdout);
  } catch {
    // Not a checkout, no remote named origin, or no git at all.
    return null;
  }
}

/** The top directory of the git checkout containing `directory`, or null. */
export async function gitTopLevel(directory: string): Promise<string | null> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--show-toplevel"], { cwd: directory, timeout: 5_000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The project a run belongs to: the name given (flag or project file), else the git
 * remote of the project's checkout, else "default".
 */
export async function resolveProjectName(named: string | undefined, directory: string): Promise<string> {
  return named ?? (await projectFromGitRemote(directory)) ?? defaultProject;
}
