/**
 * Links from a commit SHA to the repository: THREADBENCH_COMMIT_URL is a template
 * with `{sha}` (e.g. https://github.com/acme/app/commit/{sha}), read on the server.
 */

/** The template when it is usable: http(s) and containing {sha}; null otherwise. */
export function parseCommitUrlTemplate(value: string | undefined | null): string | null {
  const template = value?.trim();
  if (!template?.includes("{sha}")) return null;
  try {
    const url = new URL(template.replaceAll("{sha}", "0"));
    return url.protocol === "https:" || url.protocol === "http:" ? template : null;
  } catch {
    return null;
  }
}

/** The commit's URL, or null without a template or a plausible SHA. */
export function commitHref(
  template: string | null | undefined,
  sha: string | null | undefined,
): string | null {
  if (!template || !sha || !/^[0-9a-f]{4,64}$/i.test(sha)) return null;
  return template.replaceAll("{sha}", encodeURIComponent(sha));
}
