// Spans of time in milliseconds, without zod (the console imports them through the renewal window).

/** An hour. */
export const HOUR_MS = 60 * 60 * 1000;

/** A day of 24 hours, for spans counted in whole days from an instant (not Rome calendar days). */
export const DAY_MS = 24 * HOUR_MS;
