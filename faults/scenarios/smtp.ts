// The SMTP server misbehaves for a while, then comes back: down (connections refused), answering
// 4xx (451) or 5xx (554) to every message, or reading each message and dropping the connection
// without an answer. Every e-mail must be sent once, after SMTP is back, and its failed attempts
// recorded meanwhile.
import { readLog } from '../log';
import type { ScenarioResult } from '../result';
import { sleep, Stage, type StageOptions } from '../stage';

export type SmtpFault = 'down' | 'tempfail' | 'permfail' | 'drop';

const NAMES: Record<SmtpFault, string> = {
  down: 'smtp-down',
  tempfail: 'smtp-4xx',
  permfail: 'smtp-5xx',
  drop: 'smtp-drop',
};

export async function smtpScenario(options: Omit<StageOptions, 'scenario'>, fault: SmtpFault, outageMs: number): Promise<ScenarioResult> {
  const started = Date.now();
  const scenario = NAMES[fault];
  const stage = await Stage.open({ ...options, scenario });
  const notes: string[] = [];
  try {
    await stage.startServer();
    if (fault === 'down') await stage.smtp.down();
    else stage.smtp.mode = fault;
    const outageStarted = Date.now();
    await stage.workload.burst(5);
    await sleep(Math.max(0, outageMs - (Date.now() - outageStarted)));
    const deliveredDuringOutage = stage.smtp.deliveries.length;
    const failedAttempts = (await readLog(stage.source)).filter((e) => e.type === 'EmailAttemptFailed').length;
    if (fault === 'down') await stage.smtp.up();
    else stage.smtp.mode = 'accept';
    const back = Date.now();
    const problem = await stage.settle(90_000);
    const verdict = await stage.verify(problem);
    const early = stage.smtp.deliveries.filter((d) => d.at < back).length;
    verdict.checks.push({
      name: 'no e-mail delivered during the outage; the failed attempts are recorded',
      held: deliveredDuringOutage === 0 && early === 0 && failedAttempts > 0,
      detail: [
        ...(deliveredDuringOutage + early > 0 ? [`${deliveredDuringOutage + early} delivered while SMTP was failing`] : []),
        ...(failedAttempts === 0 ? ['no EmailAttemptFailed recorded during the outage: the fault was not exercised'] : []),
      ],
    });
    notes.push(`outage ${Math.round((back - outageStarted) / 1000)} s, ${failedAttempts} failed attempts recorded, ${stage.smtp.refused} messages refused by SMTP, last delivery ${((Math.max(0, ...stage.smtp.deliveries.map((d) => d.at)) - back) / 1000).toFixed(1)} s after it came back`);
    return { scenario, store: options.store, rounds: 1, faultsInjected: 1, ...verdict, notes: [...notes, ...stage.startNotes], seconds: (Date.now() - started) / 1000 };
  } finally {
    await stage.close();
  }
}
