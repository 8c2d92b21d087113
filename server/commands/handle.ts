// The write path of every command: read the aggregate's stream, fold it, decide, append with the
// revision that was read.
//
// Commands on one stream take turns within this process (one queue per store and stream, never a
// global lock): fifty orders on one prepaid account from one server are decided one after the
// other, each on the state the previous one left, instead of fifty decisions on one revision of
// which one appends. Across processes (several servers on one EventStoreDB, two processes on one
// SQLite file) a writer can still get there first: then the whole read → decide → append is taken
// again after a jittered pause, within a time budget (server/commands/conflictRetry.ts), so a
// conflict only reaches the client, 409 `concurrent_change`, when the stream keeps changing for
// that long. `decide` stays pure: a retry reads the stream again and decides again.
//
// Folded states are kept per store, aggregate and stream (least recently used first out), with the
// revision they were folded to, after a load and after an append; the next load reads and folds
// only the events after it. The log is append-only, so a kept state is always a true state of the
// stream at its revision, whoever wrote since (another process included): the append still expects
// the revision read, so a stale state only costs a retry. Deciders' `evolve` must therefore never
// change the state it is given in a way that alters what that state answers (see the invoice
// numbering for the one shared, append-only map), and must read only the events' type and data.
import type { CommandContext } from '../../events/eventCatalogue';
import { WrongExpectedRevisionError, type EventStore, type EventToAppend, type RecordedEvent } from '../../events/port';
import type { Decider } from '../../domain/shared/decider';
import { DomainError } from '../../domain/shared/errors';
import { DEFAULT_CONFLICT_RETRY, nextPause, type ConflictRetryPolicy } from './conflictRetry';
import { TurnQueue } from './oneAtATime';
import { keepRecent } from '../keptRecent';

export interface Loaded<S> {
  state: S;
  /** Revision read, or 'no_stream'; what the append will expect. */
  revision: number | 'no_stream';
}

export interface CommandResult<E, S = unknown> {
  stream: string;
  events: E[];
  /** The aggregate's state after the events (the state read when the decision appended nothing). */
  state: S;
  /** Global position of the last appended event (0 when the decision produced no event). */
  position: number;
  revision: number | 'no_stream';
}

/** The catalogue as the write path uses it, whatever the union of event types it was built for. */
export interface CommandCatalogue {
  encode(event: { type: string; data: unknown }, context: CommandContext): EventToAppend;
  decode(recorded: RecordedEvent): { type: string; data: unknown };
}

export interface CommandDeps {
  store: EventStore;
  catalogue: CommandCatalogue;
  /** How conflicts with writers in other processes are retried (default DEFAULT_CONFLICT_RETRY). */
  conflictRetry?: Partial<ConflictRetryPolicy> | undefined;
}

/** One queue of commands per store, keyed by stream. */
const turns = new WeakMap<EventStore, TurnQueue>();

function turnsOf(store: EventStore): TurnQueue {
  let queue = turns.get(store);
  if (!queue) turns.set(store, (queue = new TurnQueue()));
  return queue;
}

/** Per store and stream, the revision of this process's last append (to tell other writers' events apart). */
const ownHeads = new WeakMap<EventStore, Map<string, number>>();

function noteOwnAppend(store: EventStore, stream: string, revision: number): void {
  let heads = ownHeads.get(store);
  if (!heads) ownHeads.set(store, (heads = new Map()));
  keepRecent(heads, stream, revision, FOLDED_STATES_KEPT);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Streams whose folded state is kept, per store and aggregate. */
export const FOLDED_STATES_KEPT = 20_000;

type FoldedStates = Map<string, { state: unknown; revision: number }>;
const foldedStates = new WeakMap<EventStore, WeakMap<object, FoldedStates>>();

function foldedStatesOf(store: EventStore, aggregate: object): FoldedStates {
  let byAggregate = foldedStates.get(store);
  if (!byAggregate) foldedStates.set(store, (byAggregate = new WeakMap()));
  let states = byAggregate.get(aggregate);
  if (!states) byAggregate.set(aggregate, (states = new Map()));
  return states;
}

export async function loadAggregate<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps,
  stream: string,
  aggregate: Decider<S, E>,
): Promise<Loaded<S>> {
  const states = foldedStatesOf(deps.store, aggregate);
  const kept = states.get(stream) as { state: S; revision: number } | undefined;
  const recorded = await deps.store.readStream(stream, kept ? { fromRevision: kept.revision + 1 } : undefined);
  let state = kept ? kept.state : aggregate.initialState();
  for (const r of recorded) state = aggregate.evolve(state, deps.catalogue.decode(r) as unknown as E);
  const revision = recorded.length > 0 ? recorded[recorded.length - 1]!.revision : kept ? kept.revision : 'no_stream';
  if (revision !== 'no_stream') keepState(states, stream, state, revision);
  return { state, revision };
}

function keepState(states: FoldedStates, stream: string, state: unknown, revision: number): void {
  // A concurrent load may have kept a later state meanwhile: never go back to an earlier one.
  const now = states.get(stream);
  if (now && now.revision > revision) return;
  keepRecent(states, stream, { state, revision }, FOLDED_STATES_KEPT);
}

/**
 * Runs one command against one stream. `decide` is pure: given the current state it returns the
 * events to append (possibly none) or throws a DomainError.
 */
export async function handleCommand<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps,
  stream: string,
  aggregate: Decider<S, E>,
  decide: (state: S) => E[],
  /** The events' metadata; a function when events of one append have different causes. */
  context: CommandContext | ((event: E, index: number) => CommandContext),
): Promise<CommandResult<E, S>> {
  const policy = { ...DEFAULT_CONFLICT_RETRY, ...deps.conflictRetry };
  return turnsOf(deps.store).run(stream, async () => {
    const started = Date.now();
    let contended = false;
    for (let retry = 1; ; retry++) {
      const attemptStarted = Date.now();
      try {
        const { result, overtaken } = await decideAndAppend(deps, stream, aggregate, decide, context);
        // Another process writes this stream too. Before the next command of this process on it
        // starts, leave about one attempt's time free: the other's retry, which pauses, then reads
        // and appends again, would otherwise lose to this server's queue every time.
        if (contended || overtaken) await sleep(Math.floor((0.5 + Math.random()) * (Date.now() - attemptStarted)));
        return result;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        contended = true;
        const pause = nextPause(policy, retry, Date.now() - started);
        if (pause === null) {
          throw new DomainError('concurrent_change', `${stream} is being changed by someone else right now; try again`, 'conflict');
        }
        await sleep(pause);
      }
    }
  });
}

/** One attempt: load, decide, append at the revision read (WrongExpectedRevisionError when overtaken meanwhile). */
async function decideAndAppend<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps,
  stream: string,
  aggregate: Decider<S, E>,
  decide: (state: S) => E[],
  context: CommandContext | ((event: E, index: number) => CommandContext),
): Promise<{ result: CommandResult<E, S>; overtaken: boolean }> {
  const before = foldedStatesOf(deps.store, aggregate).get(stream)?.revision;
  const ownHead = ownHeads.get(deps.store)?.get(stream);
  const { state, revision } = await loadAggregate(deps, stream, aggregate);
  // Events after both the revision this process last folded and the one it last appended: another
  // process appended them (this process's commands on the stream take turns).
  const overtaken = ownHead !== undefined && revision !== 'no_stream' && revision > Math.max(ownHead, before ?? -1);
  const events = decide(state);
  if (events.length === 0) return { result: { stream, events, state, position: 0, revision }, overtaken };
  return { result: await appendDecided(deps, stream, aggregate, { state, revision }, events, context), overtaken };
}

/**
 * Appends events decided on `loaded` (a state of the stream and the revision it was read at),
 * expecting that revision, and keeps the state they lead to, so that the stream's next command
 * reads only what others appended since: for a writer that must not decide again on a conflict
 * (a claim), or that starts a stream ('no_stream' and the initial state).
 */
export async function appendDecided<S, E extends { type: string; data: unknown }>(
  deps: CommandDeps,
  stream: string,
  aggregate: Decider<S, E>,
  loaded: Loaded<S>,
  events: E[],
  context: CommandContext | ((event: E, index: number) => CommandContext),
): Promise<CommandResult<E, S>> {
  const encoded = events.map((e, i) => deps.catalogue.encode(e, typeof context === 'function' ? context(e, i) : context));
  const appended = await deps.store.append(stream, encoded, { expectedRevision: loaded.revision });
  // The state after the append is known without reading the events back. Folded from the
  // data as stored (the schema's output), as a later read would give it.
  const after = encoded.reduce((folded, e, i) => aggregate.evolve(folded, { type: events[i]!.type, data: e.data } as E), loaded.state);
  keepState(foldedStatesOf(deps.store, aggregate), stream, after, appended.nextRevision);
  noteOwnAppend(deps.store, stream, appended.nextRevision);
  return { stream, events, state: after, position: appended.position, revision: appended.nextRevision };
}

/** Appends events to a stream with an explicit expectation (no decision); returns the global position. */
export async function appendEvents(
  deps: CommandDeps,
  stream: string,
  events: readonly { type: string; data: unknown }[],
  expectedRevision: number | 'no_stream' | 'stream_exists' | 'any',
  context: CommandContext,
): Promise<number> {
  const encoded = events.map((e) => deps.catalogue.encode(e, context));
  const appended = await deps.store.append(stream, encoded, { expectedRevision });
  noteOwnAppend(deps.store, stream, appended.nextRevision);
  return appended.position;
}
