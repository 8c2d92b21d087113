// The fault suite: `npm run faults` (the full run, minutes) or `npm run faults -- --short` (the CI
// run, about a minute). Options: --seed N (repeat a run), --only name[,name] (scenarios by name,
// or name/store: kill-9, sigterm, smtp-down, smtp-4xx, smtp-5xx, smtp-drop, disk-full,
// eventstoredb-restart, clock-back-1h, scale-out; e.g. kill-9/eventstoredb), --rounds N (kill rounds per
// store). Prints the table and the failures, writes test-artifacts/faults.json, and exits 1 when
// an invariant failed.
import { join } from 'node:path';
import { ROOT } from './backoffice';
import { details, table, writeJson } from './report';
import { failed, type ScenarioResult } from './result';
import { clockScenario } from './scenarios/clock';
import { diskFullScenario } from './scenarios/diskFull';
import { eventStoreRestartScenario } from './scenarios/eventStoreRestart';
import { killScenario } from './scenarios/kill';
import { scaleOutScenario } from './scenarios/scaleOut';
import { sigtermScenario } from './scenarios/sigterm';
import { smtpScenario } from './scenarios/smtp';
import type { StoreKind } from './stage';

interface Planned {
  name: string;
  store: StoreKind;
  run(): Promise<ScenarioResult>;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const short = args.includes('--short');
  const seed = Number(option(args, '--seed') ?? Date.now() % 1_000_000);
  const only = option(args, '--only')?.split(',');
  const killRounds = Number(option(args, '--rounds') ?? (short ? 1 : 50));
  const artifactsDir = join(ROOT, 'test-artifacts', 'faults');
  const base = (store: StoreKind, n: number) => ({ store, seed: seed + n, artifactsDir });

  // The short run (CI) has one round of the kills on each store, side by side, then one of each
  // scenario that proves something the kills do not (SMTP away, a full disk, the EventStoreDB away,
  // the clock set back), with shorter outages; the full run has all of them, one after the other.
  const outageMs = short ? 4_000 : 8_000;
  const kills: Planned[] = [
    { name: 'kill-9', store: 'sqlite', run: () => killScenario(base('sqlite', 1), killRounds) },
    { name: 'kill-9', store: 'eventstoredb', run: () => killScenario(base('eventstoredb', 2), killRounds) },
  ];
  const others: Planned[] = [
    // Stops under load: each must finish its work and exit 0 within the grace period.
    { name: 'sigterm', store: 'sqlite', run: () => sigtermScenario(base('sqlite', 12), short ? 2 : 10) },
    ...(short ? [] : ([{ name: 'sigterm', store: 'eventstoredb', run: () => sigtermScenario(base('eventstoredb', 13), 10) }] satisfies Planned[])),
    { name: 'smtp-down', store: 'sqlite', run: () => smtpScenario(base('sqlite', 3), 'down', outageMs) },
    ...(short
      ? []
      : ([
          { name: 'smtp-4xx', store: 'sqlite', run: () => smtpScenario(base('sqlite', 4), 'tempfail', outageMs) },
          { name: 'smtp-5xx', store: 'sqlite', run: () => smtpScenario(base('sqlite', 5), 'permfail', outageMs) },
          { name: 'smtp-drop', store: 'sqlite', run: () => smtpScenario(base('sqlite', 6), 'drop', outageMs) },
        ] satisfies Planned[])),
    { name: 'disk-full', store: 'sqlite', run: () => diskFullScenario(base('sqlite', 7), short ? 1 : 2) },
    { name: 'eventstoredb-restart', store: 'eventstoredb', run: () => eventStoreRestartScenario(base('eventstoredb', 8), short ? 1 : 3, outageMs) },
    { name: 'clock-back-1h', store: 'sqlite', run: () => clockScenario(base('sqlite', 9)) },
    ...(short ? [] : ([{ name: 'clock-back-1h', store: 'eventstoredb', run: () => clockScenario(base('eventstoredb', 10)) }] satisfies Planned[])),
    // Three servers on one EventStoreDB, one killed at random moments and started again. A kill
    // between the SMTP server's acceptance of an e-mail and its EmailSent is finished by the killed
    // server once it is up again (its attempt names it). The short run: 2 kills, 60 s to settle.
    { name: 'scale-out', store: 'eventstoredb', run: () => scaleOutScenario(base('eventstoredb', 11), short ? 2 : Math.min(killRounds, 10), short ? 60_000 : 120_000) },
  ];
  const plan = [...kills, ...others];
  const selected = plan.filter((p) => !only || only.includes(p.name) || only.includes(`${p.name}/${p.store}`));
  const startedAt = new Date();
  process.stdout.write(`fault suite (${short ? 'short' : 'full'}), seed ${seed}: ${selected.map((p) => `${p.name}/${p.store}`).join(', ')}\n`);

  const runOne = async (p: Planned): Promise<ScenarioResult> => {
    const t0 = Date.now();
    let result: ScenarioResult;
    try {
      result = await p.run();
    } catch (error) {
      result = { scenario: p.name, store: p.store, rounds: 0, faultsInjected: 0, error: error instanceof Error ? error.message : String(error), checks: [], notes: [], seconds: (Date.now() - t0) / 1000 };
    }
    process.stdout.write(`  ${result.scenario}/${result.store}: ${result.skipped ? `skipped (${result.skipped})` : failed(result) === 0 ? 'held' : `${failed(result)} FAILED`} in ${result.seconds.toFixed(0)} s\n`);
    if (failed(result) > 0) process.stdout.write(`${details([result]).replace(/^/gm, '    ')}\n`);
    return result;
  };
  // The short run's kills run side by side (they wait on processes more than they compute).
  const sideBySide = (p: Planned) => short && kills.includes(p);
  const results = await Promise.all(selected.filter(sideBySide).map(runOne));
  for (const p of selected) if (!sideBySide(p)) results.push(await runOne(p));

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`\n${table(results)}\n\n${details(results)}\n`);
  const file = join(ROOT, 'test-artifacts', short ? 'faults-short.json' : 'faults.json');
  writeJson(file, { mode: short ? 'short' : 'full', seed, startedAt: startedAt.toISOString(), seconds, results });
  process.stdout.write(`\n${seconds.toFixed(0)} s; written to ${file}; logs in ${artifactsDir}\n`);
  return results.some((r) => failed(r) > 0) ? 1 : 0;
}

process.exitCode = await main();
process.exit(process.exitCode);
