// The behaviour every event-store adapter owes the rest of the back office. Each adapter's test
// file calls runEventStoreContract with a way to open a fresh, empty store.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '../../events/port';
import { contentOf, GENESIS, linkHash } from '../../events/logChain';
import { verifyLog } from '../../events/logVerifier';

export interface OpenedStore {
  store: EventStore;
  cleanup(): Promise<void>;
}

function event(type: string, data: unknown = {}, metadata: Record<string, unknown> = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A stream name no earlier test used, so the suite also runs against a shared real server. */
function freshStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

async function headOf(store: EventStore): Promise<number> {
  return store.headPosition();
}

export function runEventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`event store contract: ${name}`, () => {
    let opened: OpenedStore;
    let store: EventStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('round-trips data and metadata, unicode and 64 KiB payloads included', async () => {
      const stream = freshStream();
      const big = 'x'.repeat(64 * 1024);
      const metadata = {
        actor: { userId: 'u-1', role: 'operator' },
        at: '2026-11-24T09:00:00.000Z',
        correlationId: randomUUID(),
        causationId: null,
        idempotencyKey: 'k-1',
      };
      const sent = [
        event('CustomerRegistered', { name: 'Niccolò Façade', note: 'Grüße 日本 🎉 €' }, metadata),
        event('Blob', { big }, { ...metadata, note: '™' }),
      ];
      const result = await store.append(stream, sent, { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(1);

      const read = await store.readStream(stream);
      expect(read.map((e) => [e.id, e.type, e.revision, e.stream])).toEqual([
        [sent[0]!.id, 'CustomerRegistered', 0, stream],
        [sent[1]!.id, 'Blob', 1, stream],
      ]);
      expect(read[0]!.data).toEqual({ name: 'Niccolò Façade', note: 'Grüße 日本 🎉 €' });
      expect(read[0]!.metadata).toEqual(metadata);
      expect((read[1]!.data as { big: string }).big).toHaveLength(64 * 1024);
      expect(read[1]!.position).toBe(result.position);
      expect(read[0]!.position).toBeLessThan(read[1]!.position);
      expect(read[0]!.created).toBeInstanceOf(Date);
    });

    it('a stream that does not exist reads as empty', async () => {
      expect(await store.readStream(freshStream())).toEqual([]);
    });

    describe('expectations', () => {
      it('no_stream: accepted for a new stream, refused once it exists', async () => {
        const stream = freshStream();
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        const error = await store.append(stream, [event('B')], { expectedRevision: 'no_stream' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ stream, expected: 'no_stream', actual: 0 });
      });

      it('stream_exists: refused for a new stream, accepted once it exists', async () => {
        const stream = freshStream();
        const error = await store.append(stream, [event('A')], { expectedRevision: 'stream_exists' }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream, [event('A')], { expectedRevision: 'any' });
        const ok = await store.append(stream, [event('B')], { expectedRevision: 'stream_exists' });
        expect(ok.nextRevision).toBe(1);
      });

      it('a revision: accepted when it is the current one, refused otherwise with both revisions', async () => {
        const stream = freshStream();
        await store.append(stream, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const ok = await store.append(stream, [event('C')], { expectedRevision: 1 });
        expect(ok.nextRevision).toBe(2);
        for (const wrong of [0, 1, 3, 10]) {
          const error = await store.append(stream, [event('D')], { expectedRevision: wrong }).catch((e) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ stream, expected: wrong, actual: 2 });
        }
        const missing = await store.append(freshStream(), [event('D')], { expectedRevision: 0 }).catch((e) => e);
        expect(missing).toMatchObject({ expected: 0, actual: 'no_stream' });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('any: always accepted', async () => {
        const stream = freshStream();
        await store.append(stream, [event('A')], { expectedRevision: 'any' });
        const second = await store.append(stream, [event('B')], { expectedRevision: 'any' });
        expect(second.nextRevision).toBe(1);
      });

      it('20 concurrent appends with the same expectation: exactly one wins', async () => {
        const stream = freshStream();
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        const attempts = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.append(stream, [event('Tried', { i })], { expectedRevision: 0 })),
        );
        const won = attempts.filter((a) => a.status === 'fulfilled');
        const lost = attempts.filter((a) => a.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('a retried append of the same event ids with the same expectation is stored once', async () => {
        const stream = freshStream();
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        const batch = [event('Paid'), event('Fulfilled')];
        const first = await store.append(stream, batch, { expectedRevision: 0 });
        const retry = await store.append(stream, batch, { expectedRevision: 0 });
        expect(retry).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Opened', 'Paid', 'Fulfilled']);

        const created = freshStream();
        const opening = [event('Opened')];
        const firstOpen = await store.append(created, opening, { expectedRevision: 'no_stream' });
        expect(await store.append(created, opening, { expectedRevision: 'no_stream' })).toEqual(firstOpen);
        expect(await store.readStream(created)).toHaveLength(1);
      });

      it('a retry whose ids differ from what was stored is a conflict', async () => {
        const stream = freshStream();
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        await store.append(stream, [event('Paid')], { expectedRevision: 0 });
        const error = await store.append(stream, [event('Paid')], { expectedRevision: 0 }).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('reading', () => {
      it('readStream forwards and backwards, from a revision, with a count', async () => {
        const stream = freshStream();
        await store.append(stream, ['A', 'B', 'C', 'D', 'E'].map((t) => event(t)), { expectedRevision: 'no_stream' });
        const types = (events: RecordedEvent[]) => events.map((e) => e.type).join('');
        expect(types(await store.readStream(stream))).toBe('ABCDE');
        expect(types(await store.readStream(stream, { fromRevision: 2 }))).toBe('CDE');
        expect(types(await store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toBe('BC');
        expect(types(await store.readStream(stream, { direction: 'backwards' }))).toBe('EDCBA');
        expect(types(await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))).toBe('E');
        expect(types(await store.readStream(stream, { direction: 'backwards', fromRevision: 2 }))).toBe('CBA');
      });

      it('readAll delivers every stream in global order, and from a position onwards', async () => {
        const start = await headOf(store);
        const a = freshStream('a');
        const b = freshStream('b');
        await store.append(a, [event('A1')], { expectedRevision: 'no_stream' });
        await store.append(b, [event('B1'), event('B2')], { expectedRevision: 'no_stream' });
        await store.append(a, [event('A2')], { expectedRevision: 0 });
        const all = (await collect(store.readAll({ after: start }))).filter((e) => e.stream === a || e.stream === b);
        expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(new Set(positions).size).toBe(4);

        const afterB1 = (await collect(store.readAll({ after: all[1]!.position }))).filter(
          (e) => e.stream === a || e.stream === b,
        );
        expect(afterB1.map((e) => e.type)).toEqual(['B2', 'A2']);
        const two = await collect(store.readAll({ after: start, maxCount: 2 }));
        expect(two).toHaveLength(2);
        expect(await headOf(store)).toBe(all[3]!.position);
      });
    });

    describe('the hash chain', () => {
      it('every event carries a link to the event before it in the global log, over its stored content, and the log verifies', async () => {
        const start = await headOf(store);
        const streams = [freshStream('chain-a'), freshStream('chain-b'), freshStream('chain-c')];
        // Concurrent appends to several streams: the chain follows the order the store decided.
        await Promise.all(
          streams.map(async (stream) => {
            await store.append(stream, [event('Opened', { n: 1, text: 'Niccolò €' }, { actor: 'u-1' })], { expectedRevision: 'no_stream' });
            await store.append(stream, [event('Noted', { n: 2 }), event('Noted', { n: 3, nested: { a: [1, 2] } })], { expectedRevision: 0 });
          }),
        );
        const all = await collect(store.readAll());
        const ours = all.filter((e) => e.position > start);
        expect(ours.filter((e) => streams.includes(e.stream))).toHaveLength(9);
        for (let i = 0; i < all.length; i++) {
          const e = all[i]!;
          if (e.position <= start) continue;
          expect(e.chain, `${e.stream}@${e.revision}`).toBeDefined();
          expect(e.chain!.prev).toBe(i === 0 ? GENESIS : (all[i - 1]!.chain?.hash ?? GENESIS));
          const content = contentOf(e.id, e.stream, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
          expect(e.chain!.hash).toBe(linkHash(e.chain!.prev, content));
        }
        // The link is handed out apart: the metadata reads back as it was appended.
        expect(ours.find((e) => e.type === 'Opened')!.metadata).toEqual({ actor: 'u-1' });
        const last = ours[ours.length - 1]!;
        expect((await store.readStream(last.stream, { direction: 'backwards', maxCount: 1 }))[0]!.chain).toEqual(last.chain);

        const verification = await verifyLog(store);
        expect(verification).toMatchObject({ ok: true, broken: null, head: { position: last.position, hash: last.chain!.hash } });
        expect(verification.verified).toBeGreaterThanOrEqual(9);
        expect((await verifyLog(store, { expectHead: { position: ours[2]!.position, hash: ours[2]!.chain!.hash } })).ok).toBe(true);
        const wrong = await verifyLog(store, { expectHead: { position: ours[2]!.position, hash: ours[3]!.chain!.hash } });
        expect(wrong.ok).toBe(false);
        expect(wrong.expectHeadFailure).toContain(`position ${ours[2]!.position}`);
      });

      it('a link in the appended metadata is not trusted: the store writes its own', async () => {
        const stream = freshStream('chain-forged');
        const forged = { prev: GENESIS, hash: 'f'.repeat(64) };
        await store.append(stream, [event('Forged', { x: 1 }, { note: 'n', chain: forged })], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream);
        expect(read!.metadata).toEqual({ note: 'n' });
        expect(read!.chain!.hash).not.toBe(forged.hash);
        expect((await verifyLog(store)).ok).toBe(true);
      });
    });

    describe('subscriptions', () => {
      it('catches up over 10,000 events, receives live appends, and resumes from a saved position', async () => {
        const start = await headOf(store);
        const stream = freshStream('sub');
        const total = 10_000;
        for (let i = 0; i < total; i += 500) {
          const batch = Array.from({ length: 500 }, (_, j) => event('Counted', { n: i + j }));
          await store.append(stream, batch, { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
        }

        const first = store.subscribeToAll({ after: start });
        const seen: number[] = [];
        let saved = 0;
        let liveAppended = false;
        for await (const e of first) {
          if (e.stream !== stream) continue;
          seen.push((e.data as { n: number }).n);
          saved = e.position;
          if (seen.length === total && !liveAppended) {
            liveAppended = true;
            // Live appends, made after the replay has delivered everything.
            setTimeout(() => {
              void store.append(stream, [event('Counted', { n: total })], { expectedRevision: total - 1 }).then(() =>
                store.append(stream, [event('Counted', { n: total + 1 })], { expectedRevision: total }),
              );
            }, 20);
          }
          if (seen.length === total + 2) break;
        }
        await first.caughtUp;
        await first.stop();
        expect(seen).toEqual(Array.from({ length: total + 2 }, (_, i) => i));

        // Appends while nobody listens, then a new subscription from the saved position.
        await store.append(stream, [event('Counted', { n: total + 2 })], { expectedRevision: total + 1 });
        const resumed = store.subscribeToAll({ after: saved });
        const later: number[] = [];
        for await (const e of resumed) {
          if (e.stream !== stream) continue;
          later.push((e.data as { n: number }).n);
          if (later.length === 1) {
            void store.append(stream, [event('Counted', { n: total + 3 })], { expectedRevision: total + 2 });
          }
          if (later.length === 2) break;
        }
        await resumed.stop();
        expect(later).toEqual([total + 2, total + 3]);
      }, 60_000);

      it('concurrent appends to many streams reach a subscriber in strictly increasing positions', async () => {
        const start = await headOf(store);
        const prefix = `race-${randomUUID()}`;
        const subscription = store.subscribeToAll({ after: start });
        const writes = Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.append(`${prefix}-${i % 7}-${i}`, [event('Raced', { i })], { expectedRevision: 'no_stream' }),
          ),
        );
        const positions: number[] = [];
        for await (const e of subscription) {
          if (!e.stream.startsWith(prefix)) continue;
          positions.push(e.position);
          if (positions.length === 50) break;
        }
        await subscription.stop();
        await writes;
        for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
      });

      // The e-mail outbox sent a coupon e-mail twice after a restart: caughtUp resolved before the
      // last replayed event (its EmailSent) was handled, so the outbox went live thinking it pending.
      it('caughtUp resolves only once the consumer has handled the last replayed event, however slowly', async () => {
        const start = await headOf(store);
        const stream = freshStream();
        for (let n = 0; n < 5; n++) {
          await store.append(stream, [event('Counted', { n })], { expectedRevision: n === 0 ? 'no_stream' : n - 1 });
        }
        const head = await headOf(store);
        const subscription = store.subscribeToAll({ after: start });
        let handled = start;
        let handledWhenCaughtUp: number | undefined;
        void subscription.caughtUp.then(() => {
          handledWhenCaughtUp = handled;
        });
        for await (const e of subscription) {
          // A consumer that takes its time over each event (as the projections do, in batches).
          await new Promise((resolve) => setTimeout(resolve, 5));
          handled = e.position;
          if (e.position >= head) setTimeout(() => void subscription.stop(), 30);
        }
        expect(handled).toBe(head);
        expect(handledWhenCaughtUp).toBe(head);
      });

      it('stop() ends a subscription that is waiting for live events', async () => {
        const subscription = store.subscribeToAll({ after: await headOf(store) });
        const iteration = (async () => {
          const got: RecordedEvent[] = [];
          for await (const e of subscription) got.push(e);
          return got;
        })();
        await subscription.caughtUp;
        await subscription.stop();
        expect(await iteration).toEqual([]);
      });

      // A server's shutdown waited for ever after a big SMTP outage: the outbox's follower was
      // stopped while it handled the last event of the log, and the subscription then waited for
      // a commit that would never wake it.
      it('stop() while the consumer handles the last event: the subscription ends when it asks for the next', async () => {
        const stream = freshStream();
        await store.append(stream, [event('Counted', { n: 0 })], { expectedRevision: 'no_stream' });
        const subscription = store.subscribeToAll({ after: (await headOf(store)) - 1 });
        const events = subscription[Symbol.asyncIterator]();
        const last = await events.next();
        expect(last.done).toBe(false);
        await subscription.stop(); // while the consumer still holds the last event
        const next = await Promise.race([events.next(), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000))]);
        expect(next).toEqual({ done: true, value: undefined });
      });
    });
  });
}
