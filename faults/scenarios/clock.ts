// The desk machine's clock jumps back an hour during fulfilment (libfaketime in the back office's
// process: FAKETIME_TIMESTAMP_FILE, re-read at every call, moved from "+0" to "-1h"; the monotonic
// clock is left alone, as NTP or an operator would). Some e-mails are failing at that moment, so
// their retries were scheduled on the old time. No invoice may be dated before the one numbered
// before it, no e-mail outcome before its queueing, and no e-mail may wait the extra hour.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBFAKETIME } from '../backoffice';
import type { ScenarioResult } from '../result';
import { sleep, Stage, type StageOptions } from '../stage';

export async function clockScenario(options: Omit<StageOptions, 'scenario' | 'fakeTimeFile'>): Promise<ScenarioResult> {
  const started = Date.now();
  if (!existsSync(LIBFAKETIME)) {
    return { scenario: 'clock-back-1h', store: options.store, rounds: 0, faultsInjected: 0, skipped: `${LIBFAKETIME} missing (Debian package faketime)`, checks: [], notes: [], seconds: 0 };
  }
  const fakeTimeFile = join(options.artifactsDir, `faketime-${options.store}-${process.pid}`);
  writeFileSync(fakeTimeFile, '+0\n');
  const stage = await Stage.open({ ...options, scenario: 'clock-back-1h', fakeTimeFile });
  const notes: string[] = [];
  try {
    await stage.startServer();
    stage.smtp.mode = 'tempfail';
    await stage.workload.burst(5);
    await sleep(stage.random.int(1500, 3000)); // fulfilment under way, first e-mail attempts failing
    writeFileSync(fakeTimeFile, '-1h\n');
    const jumped = Date.now();
    stage.smtp.mode = 'accept';
    await stage.workload.burst(5);
    const problem = await stage.settle(60_000);
    notes.push(`clock set back 1 h; settled ${((Date.now() - jumped) / 1000).toFixed(1)} s after the jump`);
    const verdict = await stage.verify(problem);
    return { scenario: 'clock-back-1h', store: options.store, rounds: 1, faultsInjected: 1, ...verdict, notes: [...notes, ...stage.startNotes], seconds: (Date.now() - started) / 1000 };
  } finally {
    await stage.close();
  }
}
