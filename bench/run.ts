// `npm run bench [-- filter...]`: runs every benchmark module in sequence and prints its figures in
// an aligned table, each beside its target. A missed target is reported ("below target"), never a
// failure: the exit code is non-zero only when a module itself crashes.
//
// A module is `{ name, run() }` in bench/; add new ones to `modules` below. With filter arguments,
// only the modules whose name contains one of them (case-insensitive) run.
import os from 'node:os';
import { aggregatesBench } from './aggregates';
import { eventStoreBench } from './eventStore';
import { kioskBench } from './kiosk';
import { logVerificationBench } from './logVerification';
import { ordersBench } from './orders';
import { ordersOnServersBench } from './ordersOnServers';
import { outboxBench } from './outbox';
import { projectionsBench } from './projections';
import { reactorsStartBench } from './reactorsStart';
import { readApiBench } from './readApi';

export interface Figure {
  /** What was measured, e.g. "append, 1 writer". */
  name: string;
  value: number;
  /** e.g. "events/s", "%", "bytes/event", "MB", "s". */
  unit: string;
  /** The figure is ok when value >= atLeast (and/or value <= atMost); no target: informative only. */
  target?: { atLeast?: number; atMost?: number };
  /** A short remark printed after the status. */
  note?: string;
}

export interface BenchModule {
  name: string;
  run(): Promise<Figure[]>;
}

const modules: BenchModule[] = [eventStoreBench, projectionsBench, readApiBench, ordersBench, ordersOnServersBench, outboxBench, reactorsStartBench, aggregatesBench, kioskBench, logVerificationBench];

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatTarget(figure: Figure): string {
  const t = figure.target;
  if (!t) return '';
  const parts: string[] = [];
  if (t.atLeast !== undefined) parts.push(`>= ${formatNumber(t.atLeast)}`);
  if (t.atMost !== undefined) parts.push(`<= ${formatNumber(t.atMost)}`);
  return parts.join(', ');
}

function status(figure: Figure): string {
  const t = figure.target;
  if (!t) return '';
  if (t.atLeast !== undefined && !(figure.value >= t.atLeast)) return 'below target';
  if (t.atMost !== undefined && !(figure.value <= t.atMost)) return 'above target';
  return 'ok';
}

function printTable(moduleName: string, figures: Figure[], seconds: number): void {
  const header = ['figure', 'value', 'unit', 'target', 'status'];
  const rows = figures.map((f) => [
    f.name,
    formatNumber(f.value),
    f.unit,
    formatTarget(f),
    [status(f), f.note ?? ''].filter(Boolean).join('  '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(`\n== ${moduleName} (${seconds.toFixed(1)} s)`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).map((f) => f.toLowerCase());
  const selected = modules.filter(
    (m) => filters.length === 0 || filters.some((f) => m.name.toLowerCase().includes(f)),
  );
  if (selected.length === 0) {
    console.log(`no benchmark matches ${filters.join(', ')}; available: ${modules.map((m) => m.name).join(', ')}`);
    return;
  }
  // Figures are only comparable on the same runtime and machine: say which, before any of them.
  const cpus = os.cpus();
  console.log(`Node ${process.version} (V8 ${process.versions.v8}), ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const started = performance.now();
  for (const module of selected) {
    const t0 = performance.now();
    try {
      const figures = await module.run();
      printTable(module.name, figures, (performance.now() - t0) / 1000);
    } catch (error) {
      console.log(`\n== ${module.name}: FAILED`);
      console.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  }
  const peakMB = process.resourceUsage().maxRSS / 1024;
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${peakMB.toFixed(0)} MB`);
}

await main();
