// One aggregate's rules, in the style of the Emmett samples: `initialState`, `evolve` folding its
// events, and one pure function per command, `decide(command, state)`, returning the events to
// append (none when the command is already done) or throwing a DomainError. Time and ids come in
// the command, so a test is Given events / When command / Then events: ids drawn by the caller, and
// time one way only, the command's `at` (when it is decided, ISO-8601 UTC, checked with
// `instantOf` from utcTime.ts), which the events record in their `…At` fields.
export interface Decider<S, E extends { type: string; data: unknown }> {
  initialState(): S;
  /** Must not change the state it is given: folded states are kept and reused (server/commands). */
  evolve(state: S, event: E): S;
}
