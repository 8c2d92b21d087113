// The suite's table (scenario, store, rounds, faults injected, invariants held/failed, e-mails
// possibly sent twice), the details of what failed, and the JSON written for later reading.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { failed, held, type ScenarioResult } from './result';

export function table(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'store', 'rounds', 'faults injected', 'invariants held', 'failed', 'possibly sent twice', 'seconds'];
  const rows = results.map((r) => [
    r.scenario,
    r.store,
    String(r.rounds),
    String(r.faultsInjected),
    r.skipped ? 'skipped' : String(held(r)),
    r.skipped ? '-' : String(failed(r)),
    r.facts ? `${r.facts.possiblySentTwice} (${r.facts.markedPossiblyDuplicate} marked)` : '-',
    r.seconds.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function details(results: readonly ScenarioResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const title = `${r.scenario} (${r.store})`;
    if (r.skipped) out.push(`${title}: skipped: ${r.skipped}`);
    if (r.error) out.push(`${title}: the scenario failed to run: ${r.error}`);
    for (const c of r.checks.filter((c) => !c.held)) {
      out.push(`${title}: FAILED ${c.name}`);
      for (const d of c.detail) out.push(`    ${d}`);
    }
    for (const n of r.notes) out.push(`${title}: ${n}`);
    if (r.facts) {
      const f = r.facts;
      out.push(
        `${title}: ${f.paidOrders} paid orders, ${f.invoices} invoices, ${f.creditNotes} credit notes, ${f.emailsSent} EmailSent, ${f.smtpDeliveries} SMTP deliveries` +
          ` (${f.possiblySentTwice} possibly sent twice after a kill, ${f.unexplainedDuplicates} unexplained; ${f.markedPossiblyDuplicate} EmailSent marked possiblyDuplicate)`,
      );
    }
  }
  return out.join('\n');
}

export function writeJson(file: string, run: { mode: string; seed: number; startedAt: string; seconds: number; results: readonly ScenarioResult[] }): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
}
