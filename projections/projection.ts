// What a projection is: a name, a version, the event types it handles, and how it writes its read
// model. The runner (projections/runner.ts) calls `apply` inside the same SQLite transaction that
// advances the projection's checkpoint, so an event is applied exactly once.
//
// Tables: a projection names its tables logically (`customers`) and always reaches them through
// `t('customers')`, which gives the physical table of the version being built (`customers__v3`).
// Readers query the logical name, a view that the runner points at the live version; a rebuild after
// a version change fills fresh tables while the old ones keep serving, then swaps the views.
import type Database from 'better-sqlite3';
import type { DecodedEvent } from '../events/catalogue';

export type TableName = (logical: string) => string;

export interface Projection {
  name: string;
  version: number;
  /** Logical names of the tables it owns (each gets a view of that name for readers). */
  tables: readonly string[];
  /** Event types it handles; the others only advance its checkpoint. */
  handles: readonly string[];
  /** Creates its tables and indexes (physical names through `t`). Called on a fresh version only. */
  setup(db: Database.Database, t: TableName): void;
  /** Applies one event; synchronous, inside the runner's transaction; throw to stop the projection. */
  apply(db: Database.Database, event: DecodedEvent, t: TableName): void;
}
