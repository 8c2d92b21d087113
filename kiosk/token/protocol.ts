// What the token client (kiosk process) and the token worker (child process) say to each other
// over the IPC channel. Errors cross as plain data and are rebuilt as TokenError by the client.
import type { PinState, TokenErrorCode, TokenPort } from './port';

/** How the worker starts: passed as its first argument, JSON. The environment is the child's own. */
export interface WorkerStartOptions {
  modulePath: string;
  /**
   * Finalize and initialize the library again before a scan when no session is held, because the
   * library sees tokens initialised after C_Initialize only then (SoftHSM2). Never under a login.
   */
  rescanByReinitializing: boolean;
}

export type WorkerMethod = Exclude<keyof TokenPort, 'close'> | 'endSessions' | 'close';

export interface WorkerRequest {
  id: number;
  method: WorkerMethod;
  args: unknown[];
}

export interface WorkerFailure {
  /** null: not a token error (a bug, or input the client should have refused): rebuilt as a plain Error. */
  code: TokenErrorCode | null;
  message: string;
  pin?: PinState;
}

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerFailure };
