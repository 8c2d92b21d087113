import type Database from 'better-sqlite3';
import type { ExpectedRevision } from '../port';

/** One append of a group, its events' data and metadata already JSON. */
export interface AppendRequest {
  stream: string;
  expected: ExpectedRevision;
  events: Array<{ id: string; type: string; data: string; metadata: string }>;
}

export type AppendOutcome =
  | { kind: 'written'; nextRevision: number; position: number }
  /** The same events were stored by an earlier try of this append: nothing written, the first answer. */
  | { kind: 'retried'; nextRevision: number; position: number }
  | { kind: 'conflict'; actual: number | 'no_stream' };

/** Writes a group in one transaction, the events stamped `created` (ms); the outcomes in the appends' order. */
export function createGroupWriter(db: Database.Database): (group: AppendRequest[], created: number) => AppendOutcome[];
