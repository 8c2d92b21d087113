import { describe, expect, it } from 'vitest';
import { DueTimes } from '../../server/dueTimes';

const none = () => false;

describe('due times', () => {
  it('gives the keys due, earliest first, up to the limit asked', () => {
    const due = new DueTimes<string>();
    due.set('c', 30);
    due.set('a', 10);
    due.set('later', 99);
    due.set('b', 20);
    expect(due.due(50, 10, none)).toEqual(['a', 'b', 'c']);
    expect(due.due(50, 2, none)).toEqual(['a', 'b']);
    // Taking them changes nothing: they stay due until set again or deleted.
    expect(due.due(50, 10, none)).toEqual(['a', 'b', 'c']);
    expect(due.next(none)).toBe(10);
  });

  it('a key moved is due at its new time only, a key deleted not at all', () => {
    const due = new DueTimes<string>();
    due.set('moved', 10);
    due.set('deleted', 15);
    due.set('other', 20);
    due.set('moved', 40);
    due.delete('deleted');
    expect(due.due(30, 10, none)).toEqual(['other']);
    expect(due.next((key) => key === 'other')).toBe(40);
    expect(due.get('moved')).toBe(40);
    expect(due.size).toBe(2);
    due.set('moved', 10); // back to a time it had before: one entry, not two
    expect(due.due(50, 10, none)).toEqual(['moved', 'other']);
  });

  it('leaves out the keys skipped without losing them', () => {
    const due = new DueTimes<string>();
    for (const [key, at] of [['sending', 1], ['a', 2], ['b', 3]] as const) due.set(key, at);
    const sending = (key: string) => key === 'sending';
    expect(due.due(10, 1, sending)).toEqual(['a']);
    expect(due.next(sending)).toBe(2);
    expect(due.anyDue(1)).toBe(true);
    expect(due.due(10, 5, none)).toEqual(['sending', 'a', 'b']);
  });

  it('answers as a plain map walked in full would, through many moves and deletions', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const due = new DueTimes<number>();
    const model = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      const key = random(300);
      if (random(4) === 0) {
        due.delete(key);
        model.delete(key);
      } else {
        const at = random(1_000);
        due.set(key, at);
        model.set(key, at);
      }
      if (step % 50 === 0) {
        const now = random(1_000);
        const skip = (k: number) => k % 7 === 0;
        const expected = [...model].filter(([k, at]) => at <= now && !skip(k)).sort((x, y) => x[1] - y[1]);
        const taken = due.due(now, 1_000, skip);
        expect(taken.map((k) => model.get(k))).toEqual(expected.map(([, at]) => at));
        expect(new Set(taken)).toEqual(new Set(expected.map(([k]) => k)));
        expect(due.next(skip)).toBe(Math.min(...[...model].filter(([k]) => !skip(k)).map(([, at]) => at)));
        expect(due.anyDue(now)).toBe([...model.values()].some((at) => at <= now));
        expect(due.size).toBe(model.size);
      }
    }
  });
});
