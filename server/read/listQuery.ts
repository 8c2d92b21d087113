// The read API's query engine: what ra-data-simple-rest sends (`sort`, `range`, `filter`, each a JSON
// query parameter) checked against a resource's whitelists (server/read/resources.ts) and turned into
// one parameterised SQL query on the resource's view, plus one COUNT(*) with the same WHERE for the
// Content-Range total. Sorting, filtering and paging happen in SQLite, on indexed columns; nothing is
// loaded into memory beyond the page.
//
//   sort=["placedAt","DESC"]       a sortable field, ASC or DESC (ties broken by insertion order)
//   range=[0,24]                   first and last row, inclusive, at most MAX_PAGE rows
//   filter={"status":"paid"}       a field's value (or an array of values: any of them)
//   filter={"id":["a","b"]}        getMany: these rows (without range: all of them, up to MAX_PAGE)
//   filter={"q":"rossi"}           search: every word of q is a prefix of a search term
//   filter={"placedAt_gte":"2026-03-01","placedAt_lte":"2026-03-31"}   ranges; a date alone in
//                                  _lte means the whole day
//
// Anything else is refused with a 400 naming the parameter and the rule: malformed JSON, an unknown
// or non-sortable field, a value of the wrong type, a page too large.
//
// How a page is read. First the keys of the page (`seq`, the rows' INTEGER PRIMARY KEY, which every
// index ends with, so a filter-and-sort index answers it without touching the rows), then the rows
// of those keys. The total is a COUNT(*) with the same WHERE, on the same indexes, that stops after
// LIST_COUNT_CAP rows (or after the page asked for, when it lies beyond): above that the total is
// not given (`Content-Range: orders 0-24/*`, and `X-Total-More-Than: 10000` for the console's "more
// than 10,000"); skipped when the page shows the end of the result.
// A search with q looks its words up in the terms table: the rarest word's index range drives (its
// term entries counted first, no further than MANY_MATCHES: an index-only count per word), the
// other words are checked on the same row through the terms' index by row. The plan follows from
// that count: few matches (or a search combined with other filters, and not too many) → the
// matching rows drive (read by rowid, the other filters checked on them: `+column`, so that SQLite
// does not drive from a broad filter's index instead), and one pass sorts and counts them; many →
// the sort (or a filter's) index drives and each row it visits is checked against the matches
// (`+seq IN (...)`, built once; beyond MANY_MATCHES an EXISTS seek per word instead), which finds a
// page quickly precisely because matches are dense. Without other filters the number of matches,
// counted from the terms alone, is the total. A terms table may carry copies of some of the rows'
// columns (the orders' status): an equality filter on one of them is tested on the driving term's
// own index entry, so `q` with such filters alone is still counted from the terms alone, and the
// rows are read only for the page (the filter's index drives, checked against the matches).
import type Database from 'better-sqlite3';
import type { Role } from '../../events/eventCatalogue';
import { normaliseText } from '../../projections/readModels/shared';
import { withoutSeparators } from '../../domain/shared/typing';
import { HttpError } from '../plugins/app/access';
import { keepRecent } from '../keptRecent';

/** Most rows in one page (and ids in one getMany). */
export const MAX_PAGE = 1000;
const DEFAULT_RANGE: [number, number] = [0, 24];
/** Most characters of a text filter value and of q. */
const MAX_TEXT = 200;
const MAX_Q_WORDS = 8;
/** A search with at most this many matches lets them drive the page. */
const FEW_MATCHES = 2_000;
/** Above this many matches, a search combined with other filters lets an index drive instead. */
const MANY_MATCHES = 20_000;

/** Who asks and when: what they may see, and "today" for values computed at query time. */
export interface ReadContext {
  roles: readonly Role[];
  /**
   * The server's clock, ISO-8601 UTC; bound as `@now` in field expressions and filters (the
   * renewal windows the read models store are compared with it, server/features/devices/read.ts).
   */
  now: string;
}

export type FieldType = 'text' | 'int' | 'bool' | 'time' | 'date' | 'json';

export interface FieldSpec {
  type: FieldType;
  /** SQL expression over the view's columns (may use `@now`); default: the field name in snake_case. */
  sql?: string;
  /** The values a text field can take: filters are checked against them. */
  values?: readonly string[];
  /** Sortable: by `sql` (true), or by these indexed columns (e.g. ['year', 'number']). */
  sort?: boolean | readonly string[];
  /** Equality filter (one value, or an array: any of them): on `sql` (true) or on this column. */
  filter?: boolean | string;
  /** `<field>_gte` and `<field>_lte` filters (int, time and date fields). */
  range?: boolean;
  /** Applied to a text filter value before comparing (e.g. upper case for a codice fiscale). */
  normalise?: (value: string) => string;
  /** Only these roles see the field and may filter or sort by it; the others get `otherwise`. */
  roles?: readonly Role[];
  /** SQL shown instead to the other roles (default: NULL). */
  otherwise?: string;
}

export interface CustomFilter {
  /** The rule, for the 400 message, e.g. "a whole number of days from 0 to 3650". */
  rule: string;
  /** The checked value, or undefined when the input breaks the rule. */
  parse(value: unknown): unknown;
  /** The WHERE clause (positional parameters, or `@now`). */
  where(value: any, ctx: ReadContext): { sql: string; params: unknown[] };
}

export interface SearchColumn {
  /** An indexed column compared by prefix with the normalised q. */
  sql: string;
  normalise: (q: string) => string;
  /** Only these roles search it. */
  roles?: readonly Role[];
}

export interface SearchSpec {
  /** What q searches, for the documentation. */
  describe: string;
  /** A terms table (`term`, `id`) written by the projection (projections/readModels/shared.ts). */
  terms?: string;
  /** Columns each term keeps a copy of (createTermsTable's `carry`): their equality filters are checked on the terms. */
  carried?: readonly string[];
  columns?: readonly SearchColumn[];
}

export interface ResourceSpec {
  /** The path segment: GET /api/<name>. */
  name: string;
  /** For messages: "order 42 not found". */
  singular: string;
  /** The logical view the projection's runner maintains. */
  view: string;
  /** The projection that feeds it (what command routes wait for). */
  projection: string;
  /** The id column and how an id in the URL is read (`normalise`: an id people type, e.g. a serial). */
  id: { sql: string; type: 'text' | 'int'; normalise?: (id: string) => string };
  /** Unique, increasing with insertion; breaks ties of the sort (covered by every index). */
  tieBreaker: string;
  fields: Record<string, FieldSpec>;
  defaultSort: readonly [string, 'ASC' | 'DESC'];
  search?: SearchSpec;
  filters?: Record<string, CustomFilter>;
  /** Who may read it (the route table says the same). */
  access: readonly Role[];
  summary: string;
}


export interface ListResult {
  rows: Record<string, unknown>[];
  /** The exact total, or null: more than `countLimit` rows match (the count stopped there). */
  total: number | null;
  /** Where the count stopped when `total` is null. */
  countLimit: number;
  first: number;
}

/**
 * Counting stops here by default (LIST_COUNT_CAP): an exact total of a filter matching half a
 * million rows costs a pass over all of them, 30 ms at 1,000,000 orders, for a number nobody pages
 * through. Above it the total is "more than 10,000" (`Content-Range: orders 0-24/*`).
 */
export const LIST_COUNT_CAP = 10_000;

export interface ListOptions {
  /** Most rows counted for the total (beyond the page being read): see LIST_COUNT_CAP. */
  countCap?: number;
}

export const badRequest = (message: string) => new HttpError(400, 'input_invalid', message);

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const sqlOf = (name: string, field: FieldSpec) => field.sql ?? snake(name);
const mayUse = (field: { roles?: readonly Role[] | undefined }, ctx: ReadContext) =>
  !field.roles || field.roles.some((role) => ctx.roles.includes(role));
const list = (items: Iterable<string>) => [...items].join(', ');
/** `record[key]` when it is the record's own entry; names typed by a caller may be "toString". */
const ownValue = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

// --- parsing -------------------------------------------------------------------------------------

function json(param: string, text: string | undefined, example: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(`${param}: must be JSON like ${example}`);
  }
}

function sortableFields(resource: ResourceSpec, ctx: ReadContext): string[] {
  return Object.entries(resource.fields)
    .filter(([, field]) => field.sort && mayUse(field, ctx))
    .map(([name]) => name);
}

function parseSort(resource: ResourceSpec, text: string | undefined, ctx: ReadContext): [string, 'ASC' | 'DESC'] {
  const value = json('sort', text, '["id","ASC"]');
  if (value === undefined) return [resource.defaultSort[0], resource.defaultSort[1]];
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw badRequest('sort: must be [field, "ASC" | "DESC"], e.g. ["id","ASC"]');
  }
  const [field, order] = value as [string, string];
  const direction = order.toUpperCase();
  if (direction !== 'ASC' && direction !== 'DESC') throw badRequest(`sort: the order must be "ASC" or "DESC" (got ${JSON.stringify(order)})`);
  const sortable = sortableFields(resource, ctx);
  if (!sortable.includes(field)) {
    throw badRequest(`sort: ${JSON.stringify(field.slice(0, 60))} is not a sortable field of ${resource.name}; sort by one of ${list(sortable)}`);
  }
  return [field, direction];
}

function parseRange(text: string | undefined): [number, number] | undefined {
  const value = json('range', text, '[0,24]');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw badRequest('range: must be [first, last], two whole numbers from 0, e.g. [0,24]');
  }
  const [first, last] = value as [number, number];
  if (last < first) throw badRequest('range: last must not be before first');
  if (last - first + 1 > MAX_PAGE) throw badRequest(`range: at most ${MAX_PAGE} rows at a time`);
  return [first, last];
}

type Scalar = string | number | boolean;

function scalar(type: FieldType, value: unknown, field?: FieldSpec): Scalar | undefined {
  switch (type) {
    case 'text':
    case 'json': {
      if (typeof value !== 'string' || value.length > MAX_TEXT) return undefined;
      const text = field?.normalise ? field.normalise(value) : value;
      if (field?.values && !field.values.includes(text)) return undefined;
      return text;
    }
    case 'int':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
      return undefined;
    case 'bool':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 'true' || value === 'false') return value === 'true' ? 1 : 0;
      return undefined;
    case 'date':
      if (typeof value !== 'string') return undefined;
      return /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) && !Number.isNaN(Date.parse(value)) ? value.slice(0, 10) : undefined;
    case 'time':
      return typeof value === 'string' ? timeBound(value, 'gte') : undefined;
  }
}

/** A time filter bound as stored (toISOString); a date alone is the start (gte) or end (lte) of that UTC day. */
function timeBound(value: string, bound: 'gte' | 'lte'): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (Number.isNaN(Date.parse(value))) return undefined;
    return bound === 'gte' ? `${value}T00:00:00.000Z` : `${value}T23:59:59.999Z`;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function ruleOf(type: FieldType, field?: FieldSpec): string {
  if (field?.values) return `one of ${list(field.values)}`;
  switch (type) {
    case 'text':
    case 'json':
      return `a string of at most ${MAX_TEXT} characters`;
    case 'int':
      return 'a whole number';
    case 'bool':
      return 'true or false';
    case 'date':
      return 'a date YYYY-MM-DD';
    case 'time':
      return 'a date YYYY-MM-DD or an ISO-8601 date-time';
  }
}

/** A WHERE condition; `sql(true)` is the same condition written so that no index can drive it. */
interface Clause {
  sql(unindexed: boolean): string;
  params: unknown[];
  /** An equality on a plain column: the same test can be made on a terms table that carries it. */
  equality?: { column: string; rest: string };
}

/** A column condition: `column op ?`, or `+column op ?` when it must not drive. */
const onColumn = (column: string, rest: string, params: unknown[]): Clause => ({
  sql: (unindexed) => `${unindexed && /^[a-z_]+$/.test(column) ? '+' : ''}${column} ${rest}`,
  params,
});

const equalityOn = (column: string, rest: string, params: unknown[]): Clause => ({ ...onColumn(column, rest, params), equality: { column, rest } });

/** What q asks: words that must each be a prefix of a term of the row, and prefix ranges on columns. */
interface Search {
  words: string[];
  /** The words together (an RF reference typed in groups): a row with a term starting so matches too. */
  joined: string | null;
  columns: Clause[];
}

interface Where {
  clauses: Clause[];
  search: Search | null;
}

function addEquality(where: Where, column: string, key: string, value: unknown, parse: (v: unknown) => Scalar | undefined, rule: string) {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > MAX_PAGE) throw badRequest(`filter.${key}: give 1 to ${MAX_PAGE} values`);
    const values = value.map((v) => {
      const parsed = parse(v);
      if (parsed === undefined) throw badRequest(`filter.${key}: each value must be ${rule}`);
      return parsed;
    });
    where.clauses.push(equalityOn(column, 'IN (SELECT value FROM json_each(?))', [JSON.stringify(values)]));
    return;
  }
  const parsed = parse(value);
  if (parsed === undefined) throw badRequest(`filter.${key}: must be ${rule} (or an array of them)`);
  where.clauses.push(equalityOn(column, '= ?', [parsed]));
}

function addSearch(resource: ResourceSpec, where: Where, value: unknown, ctx: ReadContext) {
  const search = resource.search;
  if (!search) throw badRequest(`filter.q: ${resource.name} has no search; use the field filters`);
  if (typeof value !== 'string' || value.length > MAX_TEXT) throw badRequest(`filter.q: must be a string of at most ${MAX_TEXT} characters`);
  const found: Search = { words: [], joined: null, columns: [] };
  if (search.terms) {
    // An apostrophe parts a name's words as the terms do (D'Angelo: "d", "angelo"), so that
    // "d'angelo" finds it; an e-mail address stays whole (a term of its own).
    found.words = normaliseText(value)
      .split(/\s+/)
      .flatMap((word) => (word.includes('@') ? [word] : word.split(/['’`]/)))
      .filter(Boolean)
      .slice(0, MAX_Q_WORDS);
    // Codes are typed in groups, apart or joined by dashes ("rf18-5390 0754"): the words run
    // together without them are tried too. A dash inside a word stays in the word itself, which
    // matches terms that keep it (an e-mail address, RIN-FIRMA).
    const joined = withoutSeparators(found.words.join(''));
    if (joined !== '' && (found.words.length > 1 || joined !== found.words[0])) found.joined = joined;
  }
  for (const column of search.columns ?? []) {
    if (!mayUse(column, ctx)) continue;
    const prefix = column.normalise(value);
    if (prefix === '') continue;
    found.columns.push({ sql: () => `(${column.sql} >= ? AND ${column.sql} < ?)`, params: [prefix, `${prefix}\uffff`] });
  }
  if (found.words.length === 0 && found.columns.length === 0) return; // q of spaces only: no condition
  if (where.search) throw badRequest('filter.q: give it once');
  where.search = found;
}

function parseFilter(resource: ResourceSpec, text: string | undefined, ctx: ReadContext): { where: Where; ids: number | null } {
  const value = json('filter', text, '{"q":"rossi"}');
  const where: Where = { clauses: [], search: null };
  if (value === undefined) return { where, ids: null };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('filter: must be a JSON object, e.g. {"q":"rossi"}');
  let ids: number | null = null;
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (raw === undefined) continue;
    if (key === 'q') {
      addSearch(resource, where, raw, ctx);
      continue;
    }
    if (key === 'id') {
      const rule = resource.id.type === 'int' ? 'a whole number' : `a string of at most ${MAX_TEXT} characters`;
      const parse = (v: unknown): Scalar | undefined => {
        if (resource.id.type === 'int') return scalar('int', v);
        const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v.length <= MAX_TEXT ? v : undefined;
        return text !== undefined && resource.id.normalise ? resource.id.normalise(text) : text;
      };
      addEquality(where, resource.id.sql, 'id', raw, parse, rule);
      ids = Array.isArray(raw) ? raw.length : 1;
      continue;
    }
    // Own properties only: a key such as "constructor" or "__proto__" must not find Object.prototype's.
    const custom = ownValue(resource.filters, key);
    if (custom) {
      const parsed = custom.parse(raw);
      if (parsed === undefined) throw badRequest(`filter.${key}: must be ${custom.rule}`);
      const clause = custom.where(parsed, ctx);
      where.clauses.push({ sql: () => `(${clause.sql})`, params: clause.params });
      continue;
    }
    const rangeMatch = /^(.+)_(gte|lte)$/.exec(key);
    if (rangeMatch) {
      const [, name, bound] = rangeMatch as unknown as [string, string, 'gte' | 'lte'];
      const field = ownValue(resource.fields, name);
      if (field?.range && mayUse(field, ctx)) {
        let parsed: Scalar | undefined;
        if (field.type === 'time') parsed = typeof raw === 'string' ? timeBound(raw, bound) : undefined;
        else parsed = scalar(field.type, raw);
        if (parsed === undefined) throw badRequest(`filter.${key}: must be ${ruleOf(field.type)}`);
        where.clauses.push(onColumn(sqlOf(name, field), `${bound === 'gte' ? '>=' : '<='} ?`, [parsed]));
        continue;
      }
    }
    const field = ownValue(resource.fields, key);
    if (field?.filter && !mayUse(field, ctx)) {
      throw badRequest(`filter.${key}: not available to your role (${list(ctx.roles)})`);
    }
    if (!field?.filter) throw badRequest(`filter.${key.slice(0, 60)}: unknown filter; ${resource.name} can be filtered by ${list(filterNames(resource, ctx))}`);
    const column = typeof field.filter === 'string' ? field.filter : sqlOf(key, field);
    addEquality(where, column, key, raw, (v) => scalar(field.type, v, field), ruleOf(field.type, field));
  }
  return { where, ids };
}

/** Every filter a role may use on a resource, for messages and the documentation. */
export function filterNames(resource: ResourceSpec, ctx?: ReadContext): string[] {
  const names = ['id'];
  if (resource.search) names.push('q');
  for (const [name, field] of Object.entries(resource.fields)) {
    if (ctx && !mayUse(field, ctx)) continue;
    if (field.filter && name !== 'id') names.push(name);
    if (field.range) names.push(`${name}_gte`, `${name}_lte`);
  }
  names.push(...Object.keys(resource.filters ?? {}));
  return names;
}

export interface ParsedList {
  sort: [string, 'ASC' | 'DESC'];
  range: [number, number];
  where: Where;
}

/** Checks the three parameters; throws a 400 naming the parameter and the rule. */
export function parseListQuery(
  resource: ResourceSpec,
  query: { sort?: string | undefined; range?: string | undefined; filter?: string | undefined },
  ctx: ReadContext,
): ParsedList {
  const sort = parseSort(resource, query.sort, ctx);
  const range = parseRange(query.range);
  const { where, ids } = parseFilter(resource, query.filter, ctx);
  // getMany sends only filter={"id":[...]}: every one of them, not the default page.
  const effective = range ?? (ids !== null ? ([0, Math.max(0, Math.min(ids, MAX_PAGE) - 1)] as [number, number]) : DEFAULT_RANGE);
  return { sort, range: effective, where };
}

// --- SQL -----------------------------------------------------------------------------------------

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const MAX_STATEMENTS = 500;

/** Prepared once per SQL text (a bounded cache: the shapes of queries are few). */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    try {
      statement = db.prepare(sql);
    } catch (error) {
      if (error instanceof Error && /no such table/.test(error.message)) {
        throw new HttpError(503, 'read_model_unavailable', 'this list is not available yet: its read model is not built; try again shortly');
      }
      throw error;
    }
  }
  keepRecent(cache, sql, statement, MAX_STATEMENTS);
  return statement;
}

function selectList(resource: ResourceSpec, ctx: ReadContext): string {
  return Object.entries(resource.fields)
    .map(([name, field]) => `${mayUse(field, ctx) ? sqlOf(name, field) : (field.otherwise ?? 'NULL')} AS "${name}"`)
    .join(', ');
}

/** The named parameters a field's SQL may use, all of them instants worked out from the clock. */
function namedParameters(sql: string, ctx: ReadContext): Record<string, string> | null {
  const named: Record<string, string> = {};
  if (sql.includes('@now')) named.now = ctx.now;
  return Object.keys(named).length > 0 ? named : null;
}

function bind(sql: string, params: unknown[], ctx: ReadContext): unknown[] {
  const named = namedParameters(sql, ctx);
  return named ? [...params, named] : params;
}

function mapRow(resource: ResourceSpec, row: Record<string, unknown>): Record<string, unknown> {
  for (const [name, field] of Object.entries(resource.fields)) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    if (field.type === 'bool') row[name] = value === 1;
    else if (field.type === 'json') row[name] = JSON.parse(value as string) as unknown;
  }
  return row;
}

interface Plan {
  where: string;
  params: unknown[];
  /** The total, when the search already tells it. */
  total: number | null;
  /** The matching rows of a search drive (a bounded number of them). */
  bySearch: boolean;
}

const prefixRange = (word: string) => [word, `${word}\uffff`];

/**
 * The keys of the rows whose terms start with every word (the `driver`-th word's index range, each
 * other word checked on the same row by the terms' index by row), or with the words joined.
 */
function matchingKeys(terms: string, words: string[], driver: number, joined: string | null, onTerms: Clause[] = []): { sql: string; params: unknown[] } {
  const others = words.filter((_, i) => i !== driver);
  // Filters on columns the terms carry, tested on the driving term's entry (its index range holds them).
  const carried = (alias: string) => onTerms.map((c) => ` AND ${alias}.${c.equality!.column} ${c.equality!.rest}`).join('');
  const carriedParams = onTerms.flatMap((c) => c.params);
  let sql =
    `SELECT t0.seq FROM ${terms} t0 WHERE t0.term >= ? AND t0.term < ?${carried('t0')}` +
    others.map((_, i) => ` AND EXISTS (SELECT 1 FROM ${terms} t${i + 1} WHERE t${i + 1}.seq = t0.seq AND t${i + 1}.term >= ? AND t${i + 1}.term < ?)`).join('');
  const params = [...prefixRange(words[driver]!), ...carriedParams, ...others.flatMap(prefixRange)];
  if (joined !== null) {
    sql += ` UNION SELECT tj.seq FROM ${terms} tj WHERE tj.term >= ? AND tj.term < ?${carried('tj')}`;
    params.push(...prefixRange(joined), ...carriedParams);
  }
  return { sql, params };
}

/**
 * The same condition checked on each row the sort index visits: every word a prefix of one of the
 * row's terms (a seek in the terms' index by row per word), or the words joined.
 */
function termsOfRow(terms: string, row: string, words: string[], joined: string | null): { sql: string; params: unknown[] } {
  const exists = (alias: string) => `EXISTS (SELECT 1 FROM ${terms} ${alias} WHERE ${alias}.seq = ${row} AND ${alias}.term >= ? AND ${alias}.term < ?)`;
  let sql = words.map((_, i) => exists(`w${i}`)).join(' AND ');
  const params = words.flatMap(prefixRange);
  if (joined !== null) {
    sql = `((${sql}) OR ${exists('wj')})`;
    params.push(...prefixRange(joined));
  }
  return { sql: `(${sql})`, params };
}

/** The WHERE of a query, with the plan of its search (see the top of this file). */
function plan(db: Database.Database, resource: ResourceSpec, where: Where): Plan {
  const key = resource.tieBreaker;
  let search: { sql: string; params: unknown[] } | null = null;
  let drive: 'matches' | 'index' = 'index';
  let total: number | null = null;
  const terms = resource.search?.terms;
  if (where.search) {
    const { words, joined, columns } = where.search;
    if (terms && words.length > 0 && columns.length === 0) {
      // The rarest word drives (term entries counted from its index range, no further than MANY_MATCHES).
      const count = (word: string) =>
        prepared(db, `SELECT count(*) FROM (SELECT 1 FROM ${terms} WHERE term >= ? AND term < ? LIMIT ${MANY_MATCHES + 1})`).pluck().get(...prefixRange(word)) as number;
      const counts = words.map(count);
      const driver = counts.indexOf(Math.min(...counts));
      // Filters the terms answer themselves narrow the matches; only the others need the rows.
      const carried = resource.search?.carried ?? [];
      const onTerms = where.clauses.filter((c) => c.equality && carried.includes(c.equality.column));
      const matches = matchingKeys(terms, words, driver, joined, onTerms);
      const filtered = where.clauses.length > onTerms.length;
      const bounded = counts[driver]! <= MANY_MATCHES && (joined === null || count(joined) <= MANY_MATCHES);
      let keys: number[] | null = null;
      if (bounded && !filtered) {
        // No other filter: the matches are the total, counted once (bounded by the driver's range).
        if (words.length === 1) {
          total = prepared(db, `SELECT count(DISTINCT seq) FROM (${matches.sql})`).pluck().get(...matches.params) as number;
        } else {
          keys = prepared(db, `SELECT DISTINCT seq FROM (${matches.sql})`).pluck().all(...matches.params) as number[];
          total = keys.length;
        }
      }
      drive = bounded && (filtered || total! <= FEW_MATCHES) ? 'matches' : 'index';
      const unindexed = drive === 'index' ? '+' : '';
      if (!bounded) {
        // Very many matches: the sort (or a filter's) index drives, each row it visits checked
        // against the terms; building the set of matches would cost more than these seeks.
        search = termsOfRow(terms, `${resource.view}.${key}`, words, joined);
      } else if (keys) {
        search = { sql: `${unindexed}${key} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(keys)] };
      } else {
        // A bounded set of matches: it drives, or (index) it is built once and probed cheaply.
        search = { sql: `${unindexed}${key} IN (${matches.sql})`, params: matches.params };
      }
    } else {
      const alternatives = columns.map((column) => ({ sql: column.sql(false), params: column.params }));
      if (terms && words.length > 0) {
        const matches = matchingKeys(terms, words, 0, joined);
        alternatives.unshift({ sql: `${key} IN (${matches.sql})`, params: matches.params });
      }
      search = { sql: `(${alternatives.map((a) => a.sql).join(' OR ')})`, params: alternatives.flatMap((a) => a.params) };
    }
  }
  const clauses = where.clauses.map((clause) => clause.sql(drive === 'matches'));
  const params = where.clauses.flatMap((clause) => clause.params);
  if (search) {
    clauses.unshift(search.sql);
    params.unshift(...search.params);
  }
  return { where: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params, total, bySearch: search !== null && drive === 'matches' };
}

/** The SQL of a list, as runList runs it (also what the query-plan tests explain). */
export interface ListStatements {
  /** The page's keys (with a window count of the matches when a search's matches drive). */
  keys: { sql: string; params: unknown[]; counts: boolean };
  /** The count of the total, capped (its LIMIT is the last parameter). */
  count: { sql: string; params: unknown[] };
  /** The total, when the search already tells it. */
  known: number | null;
}

/** The statements of one page of a list and its total (counted no further than `countLimit`). */
export function listStatements(db: Database.Database, resource: ResourceSpec, query: ParsedList, ctx: ReadContext, countLimit: number): ListStatements {
  const key = resource.tieBreaker;
  const { where, params, total: known, bySearch } = plan(db, resource, query.where);
  const [field, direction] = query.sort;
  const spec = resource.fields[field]!;
  const sortColumns = Array.isArray(spec.sort) ? spec.sort : [sqlOf(field, spec)];
  const orderBy = [...sortColumns, key].map((column) => `${column} ${direction}`).join(', ');
  const [first, last] = query.range;
  const size = last - first + 1;
  // When the (bounded) matches of a search drive, one pass over them also counts them (a window
  // count), instead of a second pass.
  const keysSql = `SELECT ${key}${bySearch ? ', count(*) OVER ()' : ''} FROM ${resource.view}${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
  const capped = Number.isFinite(countLimit);
  const countSql = capped ? `SELECT count(*) FROM (SELECT 1 FROM ${resource.view}${where} LIMIT ?)` : `SELECT count(*) FROM ${resource.view}${where}`;
  return {
    keys: { sql: keysSql, params: bind(keysSql, [...params, size, first], ctx), counts: bySearch },
    count: { sql: countSql, params: bind(countSql, capped ? [...params, countLimit + 1] : params, ctx) },
    known,
  };
}

/** One page of the resource and the total of the filter (exact up to the count cap). */
export function runList(db: Database.Database, resource: ResourceSpec, query: ParsedList, ctx: ReadContext, options: ListOptions = {}): ListResult {
  const key = resource.tieBreaker;
  const [first, last] = query.range;
  const size = last - first + 1;
  // The count goes no further than the cap (or than the page being read, on a page beyond it).
  const countLimit = Math.max(options.countCap ?? LIST_COUNT_CAP, first + size);
  const statements = listStatements(db, resource, query, ctx, countLimit);

  // The page's keys, then its rows.
  let keys: number[];
  let counted: number | null = null;
  if (statements.keys.counts) {
    const found = prepared(db, statements.keys.sql).raw().all(...statements.keys.params) as [number, number][];
    keys = found.map(([k]) => k);
    if (found.length > 0) counted = found[0]![1];
  } else {
    keys = prepared(db, statements.keys.sql).pluck().all(...statements.keys.params) as number[];
  }
  let rows: Record<string, unknown>[] = [];
  if (keys.length > 0) {
    const rowsSql = `SELECT ${key} AS "__key", ${selectList(resource, ctx)} FROM ${resource.view} WHERE ${key} IN (SELECT value FROM json_each(?))`;
    const byKey = new Map<unknown, Record<string, unknown>>();
    for (const row of prepared(db, rowsSql).all(...bind(rowsSql, [JSON.stringify(keys)], ctx)) as Record<string, unknown>[]) {
      byKey.set(row.__key, row);
      delete row.__key;
    }
    rows = keys.map((k) => byKey.get(k)).filter((row): row is Record<string, unknown> => row !== undefined);
  }

  // The total: exact when the search or the page already tells it (both cheap); otherwise counted
  // up to countLimit: above that, "more".
  let total: number | null;
  if (statements.known !== null) total = statements.known;
  else if (counted !== null) total = counted;
  else if (keys.length > 0 && keys.length < size) total = first + keys.length; // the page is the end of the result
  else {
    const n = prepared(db, statements.count.sql).pluck().get(...statements.count.params) as number;
    total = n > countLimit ? null : n;
  }
  return { rows: rows.map((row) => mapRow(resource, row)), total, countLimit, first };
}

/**
 * The whole result of a checked filter and sort, unpaged, for an export (server/features/exports/):
 * the SQL (the same WHERE and ORDER BY as a page) and its parameters, and the fields in the order of
 * the SELECT (raw values: JSON fields stay text, booleans 0/1). The caller iterates it.
 */
export function listAllSql(
  db: Database.Database,
  resource: ResourceSpec,
  query: ParsedList,
  ctx: ReadContext,
): { sql: string; params: unknown[]; fields: Array<[string, FieldSpec]> } {
  const { where, params } = plan(db, resource, query.where);
  const [field, direction] = query.sort;
  const spec = resource.fields[field]!;
  const sortColumns = Array.isArray(spec.sort) ? spec.sort : [sqlOf(field, spec)];
  const orderBy = [...sortColumns, resource.tieBreaker].map((column) => `${column} ${direction}`).join(', ');
  const sql = `SELECT ${selectList(resource, ctx)} FROM ${resource.view}${where} ORDER BY ${orderBy}`;
  return { sql, params: bind(sql, params, ctx), fields: Object.entries(resource.fields) };
}

/** One row by id, or null. */
export function runOne(db: Database.Database, resource: ResourceSpec, id: string, ctx: ReadContext): Record<string, unknown> | null {
  let key: string | number = resource.id.normalise ? resource.id.normalise(id) : id;
  if (resource.id.type === 'int') {
    if (!/^\d{1,15}$/.test(id)) return null;
    key = Number(id);
  }
  const sql = `SELECT ${selectList(resource, ctx)} FROM ${resource.view} WHERE ${resource.id.sql} = ?`;
  const row = prepared(db, sql).get(...bind(sql, [key], ctx)) as Record<string, unknown> | undefined;
  return row ? mapRow(resource, row) : null;
}

/** The Content-Range header ra-data-simple-rest reads the total from. */
export function contentRange(resource: ResourceSpec, result: ListResult): string {
  return rangeHeader(resource.name, result.first, result.rows.length, result.total);
}

/** Content-Range of `count` rows from `first` of a list named `name` (`total` null: more than counted). */
export function rangeHeader(name: string, first: number, count: number, total: number | null): string {
  if (count === 0) return `${name} */${total ?? '*'}`;
  return `${name} ${first}-${first + count - 1}/${total ?? '*'}`;
}
