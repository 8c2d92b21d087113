// Given / When / Then over a decider, in the style of Emmett's DeciderSpecification:
//
//   spec.given([...past events]).when((state) => someCommand(command, state)).then([...new events]);
//   spec.given([...]).when(...).then({ error: 'order_not_paid' });   // a refusal, by its code
//   spec.given([...]).when(...).then({ error: 'x', kind: 'conflict', message: /text/ });
//
// `given` folds the events with the aggregate's evolve from its initial state; `when` takes the
// pure decision on that state (one command function bound to its command).
//
// With `specFor(aggregate, { catalogue })`, every event a decision produces is also encoded by the
// catalogue, so an event that breaks its zod schema fails the test.
import { expect } from 'vitest';
import type { CommandContext } from '../../events/eventCatalogue';
import { DomainError, type RefusalKind } from '../../domain/shared/errors';

export interface DeciderLike<S, E> {
  initialState(): S;
  evolve(state: S, event: E): S;
}

export interface ExpectedRefusal {
  /** The DomainError's code. */
  error: string;
  kind?: RefusalKind;
  message?: string | RegExp;
  field?: string;
}

function isRefusal(x: unknown): x is ExpectedRefusal {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'error' in x;
}

export interface Then<S, E> {
  /** Expects exactly these events (deep equality), or a DomainError matching the refusal. */
  then(expected: readonly E[] | ExpectedRefusal): void;
  /** Expects no events (an idempotent repeat). */
  thenNothing(): void;
  /** Runs the decision and returns its events, for custom assertions. */
  events(): E[];
  /** The state the decision ran on. */
  state(): S;
}

export interface When<S, E> {
  when(decide: (state: S) => E[]): Then<S, E>;
  /** The folded state, for assertions on evolve. */
  state(): S;
}

export function fold<S, E>(aggregate: DeciderLike<S, E>, events: readonly E[]): S {
  let state = aggregate.initialState();
  for (const e of events) state = aggregate.evolve(state, e);
  return state;
}

export interface SpecOptions<E> {
  /** Validates produced events against their schemas (EventCatalogue or anything with encode). */
  catalogue?: { encode(event: E, context: CommandContext): unknown };
}

const testContext: CommandContext = {
  actor: { userId: 'test-user', role: 'operator' },
  at: '2026-01-01T00:00:00.000Z',
  correlationId: '00000000-0000-4000-8000-000000000000',
  causationId: null,
};

export function specFor<S, E>(aggregate: DeciderLike<S, E>, options: SpecOptions<E> = {}) {
  const checked = (events: E[]): E[] => {
    if (options.catalogue) for (const e of events) options.catalogue.encode(e, testContext);
    return events;
  };
  return {
    given(events: readonly E[] = []): When<S, E> {
      const state = () => fold(aggregate, events);
      const run = (decide: (state: S) => E[]) => checked(decide(state()));
      return {
        state,
        when(decide) {
          return {
            state,
            events: () => run(decide),
            thenNothing: () => expect(run(decide)).toEqual([]),
            then(expected) {
              if (!isRefusal(expected)) {
                expect(run(decide)).toEqual(expected);
                return;
              }
              let thrown: unknown;
              let produced: E[] | undefined;
              try {
                produced = decide(state());
              } catch (error) {
                thrown = error;
              }
              if (thrown === undefined) {
                throw new Error(`expected refusal ${expected.error}, got events ${JSON.stringify(produced)}`);
              }
              expect(thrown).toBeInstanceOf(DomainError);
              const error = thrown as DomainError;
              expect(error.code).toBe(expected.error);
              if (expected.kind !== undefined) expect(error.kind).toBe(expected.kind);
              if (expected.field !== undefined) expect(error.field).toBe(expected.field);
              if (typeof expected.message === 'string') expect(error.message).toBe(expected.message);
              else if (expected.message instanceof RegExp) expect(error.message).toMatch(expected.message);
            },
          };
        },
      };
    },
  };
}
