// What a scenario reports: one row of the table.
import type { Check, LogFacts } from './invariants';
import type { StoreKind } from './stage';

export interface ScenarioResult {
  scenario: string;
  store: StoreKind;
  rounds: number;
  faultsInjected: number;
  /** Skipped, and why (e.g. mounting not permitted). */
  skipped?: string;
  /** The scenario itself failed to run (an exception), with its message. */
  error?: string;
  checks: Check[];
  facts?: LogFacts;
  /** Scenario-specific observations (503 answers seen, /health while degraded, …). */
  notes: string[];
  seconds: number;
}

export const held = (r: ScenarioResult) => r.checks.filter((c) => c.held).length;
export const failed = (r: ScenarioResult) => r.checks.filter((c) => !c.held).length + (r.error ? 1 : 0);
