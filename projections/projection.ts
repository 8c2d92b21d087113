// What a projection is: a name, a version, the event types it handles, and how it writes its read
// model. The runner (projections/runner.ts) calls `apply` inside the same SQLite transaction that
// advances the projection's checkpoint, so an event is applied exactly once.
//
// Tables: a projection names its tables logically (`customers`) and always reaches them through
// `t('customers')`, which gives the physical table of the version being built (`customers__v3`).
// Readers query the logical name, a view that the runner points at the live version; a rebuild after
// a version change fills fresh tables while the old ones keep serving, then swaps the views.
// Indexes live beside the tables of their version, so name them from the table too
// (`CREATE INDEX ${t('customers')}_by_name ON ${t('customers')} (name)`).
//
// Bump `version` whenever what `setup` or `apply` writes changes: the runner rebuilds the projection
// from the first event into fresh tables, and swaps them in when the rebuild has caught up.
import type Database from 'better-sqlite3';
import type { DecodedEvent } from '../events/eventCatalogue';

export type TableName = (logical: string) => string;

type AnyEvent = { type: string; data: unknown };

/**
 * A decoded event of the union E, discriminated by `type`, so `switch (event.type)` narrows `data`.
 * Without its link in the hash chain: that is the log's verifier's (and a lane reading ahead on
 * another thread does not carry it over).
 */
export type ProjectedEvent<E extends AnyEvent = AnyEvent> = E extends AnyEvent ? Omit<DecodedEvent<E>, 'chain'> : never;

export interface Projection<E extends AnyEvent = AnyEvent> {
  name: string;
  version: number;
  /** Logical names of the tables it owns (each gets a view of that name for readers). */
  tables: readonly string[];
  /** Event types it handles; the others only advance its checkpoint. */
  handles: readonly E['type'][];
  /** Creates its tables and indexes (physical names through `t`). Called on a fresh version only. */
  setup(db: Database.Database, t: TableName): void;
  /**
   * Applies one event; synchronous, inside the runner's transaction; throw to stop the projection.
   * The event object is shared with the other projections of the batch: read it, do not change it.
   */
  apply(db: Database.Database, event: ProjectedEvent<E>, t: TableName): void;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A prepared statement, prepared once per connection and SQL text. Preparing costs far more than
 * running, so `apply` should reach its statements through here or, cheaper per event, `sql`:
 * `statement(db, \`UPDATE ${t('customers')} SET name = ? WHERE id = ?\`).run(name, id)`.
 * The statement is shared by every caller of the same SQL: a mode set on it (pluck, raw) sticks.
 */
export function statement<P extends unknown[] | {} = unknown[], R = unknown>(
  db: Database.Database,
  sql: string,
): Database.Statement<P, R> {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = db.prepare(sql)));
  return prepared as unknown as Database.Statement<P, R>;
}

/** A tag for SQL texts whose only interpolations are table names (see `sql`). */
export type SqlTag = <P extends unknown[] | {} = unknown[], R = unknown>(
  strings: TemplateStringsArray,
  ...tables: string[]
) => Database.Statement<P, R>;

interface TaggedStatement {
  tables: readonly string[];
  prepared: Database.Statement;
}

const tags = new WeakMap<Database.Database, SqlTag>();
let lastDb: Database.Database | undefined;
let lastTag: SqlTag | undefined;

/**
 * The same as `statement`, found without building the SQL text: a tagged template's strings are one
 * object per place in the code, so the statement is looked up by that object and the table names
 * interpolated, not by hashing the whole text at every event (which cost as much as running a
 * small UPDATE). Interpolate names only (`t('customers')`, a column from a fixed set), never values:
 * `sql(db)\`UPDATE ${t('customers')} SET name = ? WHERE id = ?\`.run(name, id)`.
 */
export function sql(db: Database.Database): SqlTag {
  if (db === lastDb) return lastTag!;
  let tag = tags.get(db);
  if (!tag) {
    const cache = new Map<TemplateStringsArray, TaggedStatement[]>();
    tag = ((strings: TemplateStringsArray, ...tables: string[]) => {
      let known = cache.get(strings);
      if (!known) cache.set(strings, (known = []));
      for (const entry of known) if (sameTables(entry.tables, tables)) return entry.prepared;
      const text = strings.reduce((sqlText, part, i) => sqlText + part + (i < tables.length ? tables[i] : ''), '');
      const prepared = statement(db, text);
      known.push({ tables, prepared });
      return prepared;
    }) as SqlTag;
    tags.set(db, tag);
  }
  lastDb = db;
  lastTag = tag;
  return tag;
}

function sameTables(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

