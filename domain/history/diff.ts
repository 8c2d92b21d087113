// What changed between two states of a record: one change per leaf that differs, named by its path
// (`payments[0].amountCents`, `sdi.state`), with the value before and after (null where absent).
// Arrays compare by index: the records' lists only grow at the end (payments, credit notes,
// receipts), so an index is a stable name for an entry.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Change {
  path: string;
  before: Json;
  after: Json;
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function diffStates(before: Json | undefined, after: Json | undefined, path = ''): Change[] {
  const b = before === undefined ? null : before;
  const a = after === undefined ? null : after;
  if (Array.isArray(b) && Array.isArray(a)) {
    const changes: Change[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) changes.push(...diffStates(b[i], a[i], `${path}[${i}]`));
    return changes;
  }
  if (isObject(b) && isObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys.flatMap((k) => diffStates(b[k], a[k], join(path, k)));
  }
  if (JSON.stringify(b) === JSON.stringify(a)) return [];
  return [{ path: path || '$', before: b, after: a }];
}
