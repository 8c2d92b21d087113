// `npm run verify-log -- [--expect-head <position>:<hash>]`: walks the event log of the store the
// server's configuration names (EVENT_STORE, EVENTSTORE_URL, DATA_DIR) and checks its hash chain
// (events/logChain.ts). Prints the first broken link (position, stream, revision, what differs) and
// exits 1, or the count verified and the head `<position>:<hash>`, which can be kept (or e-mailed)
// and given back later with --expect-head to prove the history up to it unchanged.
// Every run is recorded on the log itself (LogVerified on `log-verifications`), as "cli".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { catalogue } from '../../events/index';
import { formatHead, parseHead, type LogHead, type Verification } from '../../events/logVerifier';
import { EVENT_LOG_FILE, openEventStore } from '../../events/open';
import { ConfigError, loadConfig } from '../config';
import { runVerification } from '../features/logVerification/service';
import { fail } from './storeConfig';

const USAGE = 'usage: npm run verify-log -- [--expect-head <position>:<sha256 hex>]';

export function describeVerification(v: Verification): string[] {
  const lines: string[] = [];
  if (v.broken) {
    const b = v.broken;
    lines.push(`Log verification FAILED: first broken link at position ${b.position}, stream ${b.stream}, revision ${b.revision}`);
    lines.push(`  ${b.detail}`);
    lines.push(`  ${v.verified} events verified before it${v.beforeChain > 0 ? ` (after ${v.beforeChain} written before the chain began)` : ''}`);
  } else {
    lines.push(`Log verified: ${v.verified} events chained${v.beforeChain > 0 ? `, after ${v.beforeChain} written before the chain began` : ''}`);
  }
  if (v.expectHeadFailure) lines.push(`Exported head NOT proved: ${v.expectHeadFailure}`);
  if (v.head) lines.push(`${v.broken ? 'last good head' : 'head'}: ${formatHead(v.head)}`);
  else lines.push('head: none (no event carries a link yet)');
  return lines;
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean' }, 'expect-head': { type: 'string' } }, strict: true });
  } catch (error) {
    fail(`verify-log failed: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let expectHead: LogHead | undefined;
  try {
    const given = parsed.values['expect-head'];
    if (given !== undefined) expectHead = parseHead(given);
  } catch (error) {
    fail(`verify-log failed: --expect-head: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }

  const env = { ...process.env };
  // The first-admin pair only matters at a server start.
  delete env.ADMIN_USERNAME;
  delete env.ADMIN_PASSWORD;
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`verify-log failed: configuration error: ${error.message}`);
    throw error;
  }
  if (config.eventStore === 'sqlite' && !existsSync(join(config.dataDir, EVENT_LOG_FILE))) {
    fail(`verify-log failed: no event log at ${join(config.dataDir, EVENT_LOG_FILE)} (is DATA_DIR right?)`);
  }
  const store = await openEventStore(config);
  try {
    const { verification } = await runVerification({
      store,
      catalogue,
      ranBy: `cli:${userInfo().username}`,
      via: 'cli',
      expectHead,
      inThread: false,
    });
    process.stdout.write(`${describeVerification(verification).join('\n')}\n`);
    process.exitCode = verification.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

main().catch((error) => fail(`verify-log failed: ${error instanceof Error ? error.message : String(error)}`));
