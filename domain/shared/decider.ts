// One aggregate's rules, in the style of the Emmett samples: `initialState`, `evolve` folding its
// events, and one pure function per command, `decide(command, state)`, returning the events to
// append (none when the command is already done) or throwing a DomainError. Time and ids come in
// the command (`…At` instants as ISO strings, ids drawn by the caller), so a test is
// Given events / When command / Then events.
export interface Decider<S, E extends { type: string; data: unknown }> {
  initialState(): S;
  /** Must not change the state it is given: folded states are kept and reused (server/commands). */
  evolve(state: S, event: E): S;
}

/** One command's decision on an aggregate's state. */
export type Decide<C, S, E> = (command: C, state: S) => E[];
