// The write path of every command: read the aggregate's stream, fold it, decide, append with the
// revision that was read. When another writer got there first the whole decision is taken again on
// the new state (a few times), so a conflict only reaches the client when the state keeps changing.
import type { CommandContext, EventCatalogue } from '../../events/catalogue';
import { WrongExpectedRevisionError, type EventStore } from '../../events/port';
import { DomainError } from '../domain/errors';

export interface Aggregate<S, E extends { type: string; data: unknown }> {
  initialState(): S;
  evolve(state: S, event: E): S;
}

export interface Loaded<S> {
  state: S;
  /** Revision read, or 'no_stream'; what the append will expect. */
  revision: number | 'no_stream';
}

export interface CommandResult<E> {
  stream: string;
  events: E[];
  /** Global position of the last appended event (0 when the decision produced no event). */
  position: number;
  revision: number | 'no_stream';
}

export interface CommandDeps<E extends { type: string; data: unknown }> {
  store: EventStore;
  catalogue: EventCatalogue<E>;
}

const MAX_ATTEMPTS = 4;

export async function loadAggregate<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps<E>,
  stream: string,
  aggregate: Aggregate<S, E>,
): Promise<Loaded<S>> {
  const recorded = await deps.store.readStream(stream);
  let state = aggregate.initialState();
  for (const r of recorded) state = aggregate.evolve(state, deps.catalogue.decode(r) as unknown as E);
  const last = recorded[recorded.length - 1];
  return { state, revision: last ? last.revision : 'no_stream' };
}

/**
 * Runs one command against one stream. `decide` is pure: given the current state it returns the
 * events to append (possibly none) or throws a DomainError.
 */
export async function handleCommand<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps<E>,
  stream: string,
  aggregate: Aggregate<S, E>,
  decide: (state: S) => E[],
  context: CommandContext,
): Promise<CommandResult<E>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadAggregate(deps, stream, aggregate);
    const events = decide(state);
    if (events.length === 0) return { stream, events, position: 0, revision };
    const encoded = events.map((e) => deps.catalogue.encode(e, context));
    try {
      const appended = await deps.store.append(stream, encoded, { expectedRevision: revision });
      return { stream, events, position: appended.position, revision: appended.nextRevision };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError('concurrent_change', `${stream} is being changed by someone else right now; try again`, 'conflict');
      }
    }
  }
}
