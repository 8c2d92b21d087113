// The caches of this server are Maps in insertion order, the least recently used first, which
// forget their oldest entries past a limit.
//
// Forgetting the first key one at a time costs a walk over every key forgotten before it: V8 leaves
// a deleted entry in the table as a hole until the table is rebuilt, and `keys().next()` starts
// from the front each time (12 µs a call at 20,000 entries, measured, where a whole command takes
// a few hundred). So the oldest eighth is forgotten at once, in one walk.

/** Forgets `map`'s oldest entries, down to seven eighths of `limit`, once it holds more than `limit`. */
export function forgetOldest(map: Map<unknown, unknown>, limit: number): void {
  if (map.size <= limit) return;
  let excess = map.size - limit + Math.ceil(limit / 8);
  for (const key of map.keys()) {
    if (excess-- <= 0) return;
    map.delete(key);
  }
}

/** Sets `key` as the most recently used entry of `map`, forgetting the oldest past `limit`. */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  forgetOldest(map, limit);
}
