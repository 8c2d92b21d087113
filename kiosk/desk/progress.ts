// The steps of the runs under way and just finished, kept in memory for the page to poll while its
// POST …/run waits for the end. Nothing here is secret: steps, times, the error's code.
import type { RenewalProgress } from '../renewal/port';

export interface RunProgress {
  running: boolean;
  steps: RenewalProgress[];
  /** When the run stopped on a fault: its code (the page shows the message from the run's answer). */
  errorCode: string | null;
}

/** How long a finished run's steps stay readable. */
const KEEP_MS = 10 * 60_000;

export class ProgressBoard {
  private readonly runs = new Map<string, RunProgress & { finishedAt: number | null }>();

  /** Marks a run as started; false when one is already running for this renewal in this kiosk. */
  begin(renewalId: string): boolean {
    this.prune();
    if (this.runs.get(renewalId)?.running) return false;
    this.runs.set(renewalId, { running: true, steps: [], errorCode: null, finishedAt: null });
    return true;
  }

  record(renewalId: string, progress: RenewalProgress): void {
    this.runs.get(renewalId)?.steps.push(progress);
  }

  end(renewalId: string, errorCode: string | null): void {
    const run = this.runs.get(renewalId);
    if (!run) return;
    run.running = false;
    run.errorCode = errorCode;
    run.finishedAt = Date.now();
  }

  get(renewalId: string): RunProgress {
    const run = this.runs.get(renewalId);
    return run ? { running: run.running, steps: [...run.steps], errorCode: run.errorCode } : { running: false, steps: [], errorCode: null };
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, run] of this.runs) if (run.finishedAt !== null && now - run.finishedAt > KEEP_MS) this.runs.delete(id);
  }
}
