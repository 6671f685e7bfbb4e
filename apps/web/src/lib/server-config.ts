/**
 * The dashboard's own settings, read on the server at request time (never baked into
 * the build). Server components pass what the browser needs down as props.
 */
import { parseCommitUrlTemplate } from "./commit-url";

/**
 * THREADBENCH_COMMIT_URL, e.g. https://github.com/acme/app/commit/{sha}; null when unset.
 * A value without {sha} or not http(s) is ignored with a warning, once.
 */
export function commitUrlTemplate(): string | null {
  const raw = process.env.THREADBENCH_COMMIT_URL;
  const template = parseCommitUrlTemplate(raw);
  if (raw?.trim() && !template && !warned) {
    warned = true;
    console.warn(
      `[threadbench web] THREADBENCH_COMMIT_URL is ignored: allowed: an http(s) URL containing {sha}, e.g. https://github.com/acme/app/commit/{sha}; got ${JSON.stringify(raw)}`,
    );
  }
  return template;
}
let warned = false;
