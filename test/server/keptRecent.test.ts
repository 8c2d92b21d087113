import { describe, expect, it } from 'vitest';
import { keepRecent } from '../../server/keptRecent';

describe('a cache keeping the most recently used entries', () => {
  it('never holds more than its limit and forgets the least recently used first', () => {
    const cache = new Map<string, number>();
    for (let i = 0; i < 80; i++) keepRecent(cache, `k${i}`, i, 80);
    expect(cache.size).toBe(80);
    keepRecent(cache, 'k0', 0, 80); // used again: now the most recent
    keepRecent(cache, 'k80', 80, 80);
    expect(cache.size).toBeLessThanOrEqual(80);
    expect(cache.get('k0')).toBe(0);
    expect(cache.get('k80')).toBe(80);
    expect(cache.has('k1')).toBe(false);
    // What is forgotten is always older than what is kept.
    const kept = [...cache.keys()].filter((k) => k !== 'k0').map((k) => Number(k.slice(1)));
    const forgotten = Array.from({ length: 81 }, (_, i) => i).filter((i) => i !== 0 && !cache.has(`k${i}`));
    expect(Math.max(...forgotten)).toBeLessThan(Math.min(...kept));
  });

  it('stays within its limit over many more entries than it holds', () => {
    const cache = new Map<number, number>();
    for (let i = 0; i < 100_000; i++) {
      keepRecent(cache, i, i, 1_000);
      expect(cache.size).toBeLessThanOrEqual(1_000);
    }
    expect(cache.get(99_999)).toBe(99_999);
    expect(cache.size).toBeGreaterThanOrEqual(875);
  });
});
