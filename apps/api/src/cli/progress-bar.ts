import type { RunProgress } from "@threadbench/core";
import { formatDuration } from "@threadbench/core";

/**
 * A one-line progress bar redrawn in place on a terminal. On anything else (a pipe,
 * CI logs) it prints nothing: progress lines would only clutter captured output.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(progress: RunProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    const finished = progress.stepsDone >= progress.stepsTotal;
    if (!finished && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const fraction = progress.stepsTotal === 0 ? 1 : progress.stepsDone / progress.stepsTotal;
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
    const filled = Math.round(fraction * width);
    const cell = progress.currentCell ? `${progress.currentCell.mode} x${progress.currentCell.threads}` : "";
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  cell ${Math.min(progress.cellsDone + 1, progress.cellsTotal)}/${progress.cellsTotal} ${cell}  elapsed ${formatDuration(progress.elapsedMs)}  eta ${formatDuration(progress.etaMs)}`;
    this.stream.write(`\r\u001b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the bar so the next output starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write("\r\u001b[2K");
    this.drawn = false;
  }
}
