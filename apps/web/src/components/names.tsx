/**
 * How a mode, a runtime and a commit are named wherever a run or a series is shown
 * (server-safe: no hooks). One place, so every page says "cpython 3.13.1t (no GIL)"
 * the same way and every mode carries the colour its chart line has.
 */
import { commitHref } from "../lib/commit-url";
import { shortSha } from "../lib/format";
import { preferredModeSlot, slotColorVar } from "../lib/mode-colors";

/** A colour swatch for a palette slot, as in the charts' legends. */
export function Swatch({ slot }: { slot: number }) {
  return <span className="swatch" style={{ background: slotColorVar(slot) }} aria-hidden="true" />;
}

/**
 * A mode name with its colour. `slot` comes from `modeSlots()` of the modes shown
 * together (so it matches the chart); alone, the mode's preferred slot.
 */
export function ModeName({ mode, slot }: { mode: string; slot?: number | undefined }) {
  return (
    <span className="mode-name" data-mode={mode}>
      <Swatch slot={slot ?? preferredModeSlot(mode)} />
      {mode}
    </span>
  );
}

/** The runtime label of a testbed, e.g. "cpython 3.13.1t (no GIL)". */
export function RuntimeLabel({ testbed }: { testbed: { runtimeLabel: string } | null | undefined }) {
  if (!testbed) return <span className="muted">unknown runtime</span>;
  return (
    <span className="runtime-label" data-testid="runtime-label">
      {testbed.runtimeLabel}
    </span>
  );
}

/** A short SHA, linked to the repository when THREADBENCH_COMMIT_URL is configured. */
export function CommitRef({
  sha,
  template,
  message,
}: {
  sha: string | null | undefined;
  template: string | null | undefined;
  /** The commit message's first line, shown as the link's title. */
  message?: string | null | undefined;
}) {
  if (!sha) return <span className="muted">no commit</span>;
  const href = commitHref(template, sha);
  const text = <span className="mono">{shortSha(sha)}</span>;
  return href ? (
    <a href={href} title={message ?? sha} className="commit-link" rel="noopener noreferrer">
      {text}
    </a>
  ) : (
    <span title={message ?? sha}>{text}</span>
  );
}
