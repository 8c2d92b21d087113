// The event log as the harness reads it, apart from the server: the embedded store's events.db
// read directly (read-only), or an EventStoreDB's $all through the project's adapter.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface LogEvent {
  position: number;
  stream: string;
  revision: number;
  type: string;
  data: any;
  metadata: Record<string, unknown>;
  /** When the store recorded it (ms since epoch, the store's clock). */
  created: number;
}

export type LogSource = { kind: 'sqlite'; dataDir: string } | { kind: 'eventstoredb'; url: string };

export async function readLog(source: LogSource): Promise<LogEvent[]> {
  if (source.kind === 'sqlite') {
    const file = join(source.dataDir, 'events.db');
    if (!existsSync(file)) return [];
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const rows = db.prepare('SELECT position, stream, revision, type, data, metadata, created FROM events ORDER BY position').all() as Array<
        Omit<LogEvent, 'data' | 'metadata'> & { data: string; metadata: string }
      >;
      return rows.map((r) => ({ ...r, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
    } finally {
      db.close();
    }
  }
  const { createEventStoreDbStore } = await import('../events/adapters/eventstoredb');
  const store = createEventStoreDbStore(source.url);
  try {
    const out: LogEvent[] = [];
    for await (const e of store.readAll()) {
      out.push({ position: e.position, stream: e.stream, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, created: e.created.getTime() });
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * The log's hash chain (events/logChain.ts) verified as `npm run verify-log` does, and recorded on
 * the log (LogVerified, via "faults"): one more invariant after each scenario. A kill, a full disk
 * or a restarted EventStoreDB must never leave a link broken.
 */
export async function verifyChain(source: LogSource): Promise<{ held: boolean; detail: string[] }> {
  const { runVerification } = await import('../server/features/logVerification/service');
  const { catalogue } = await import('../events/index');
  const { formatHead } = await import('../events/logVerifier');
  let store;
  if (source.kind === 'sqlite') {
    const file = join(source.dataDir, 'events.db');
    if (!existsSync(file)) return { held: true, detail: [] };
    const { createSqliteStore } = await import('../events/adapters/sqlite');
    store = createSqliteStore({ file, checkpointer: false });
  } else {
    const { createEventStoreDbStore } = await import('../events/adapters/eventstoredb');
    store = createEventStoreDbStore(source.url);
  }
  try {
    const { verification: v } = await runVerification({ store, catalogue, ranBy: 'faults', via: 'faults', inThread: false });
    const detail = v.broken
      ? [`position ${v.broken.position}, stream ${v.broken.stream}, revision ${v.broken.revision}: ${v.broken.detail}`]
      : [`${v.verified} events verified${v.head ? `, head ${formatHead(v.head)}` : ''}`];
    return { held: v.ok, detail: v.ok ? [] : detail };
  } finally {
    await store.close();
  }
}
