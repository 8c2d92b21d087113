// The kiosk's side of the token: a TokenPort whose every call runs in a child process (worker.ts)
// that holds the PKCS#11 library. A crash inside the vendor's library ends that child only: the
// calls waiting on it fail with `token_process_crashed`, and the next call starts a fresh child
// (whose tokens are logged out: the operator types the PIN again).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TokenError, type TokenPort } from './port';
import type { WorkerMethod, WorkerReply, WorkerRequest, WorkerStartOptions } from './protocol';

/** Pino's shape, the few calls used here. Nothing logged here carries a PIN or a call's arguments. */
export interface TokenLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface TokenClientOptions {
  /** The PKCS#11 library: OpenSC's or the card vendor's, SoftHSM2's in the tests and the demo. */
  modulePath: string;
  /** Added to the kiosk's environment for the child (SOFTHSM2_CONF for SoftHSM2). */
  env?: Record<string, string>;
  logger?: TokenLogger;
  /**
   * Whether listTokens (and a search for a serial not found) finalizes and initializes the library
   * again when no token is logged in, to see tokens that appeared since: SoftHSM2 sees a token
   * initialised after C_Initialize only then. Default: true for SoftHSM2 (by the library's file
   * name), false otherwise (OpenSC and card libraries report insertions in C_GetSlotList).
   */
  rescanByReinitializing?: boolean;
}

export interface TokenClient extends TokenPort {
  /**
   * C_CloseAllSessions on the token's slot: what pulling the card out does to its sessions. The
   * next call that needs the kept session fails with `token_removed`; a new login works again.
   */
  endSessions(tokenSerial: string): Promise<void>;
  /** The child process's pid while one runs (undefined before the first call after a crash, and after close). */
  readonly childPid: number | undefined;
}

interface Pending {
  method: WorkerMethod;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
// The worker is TypeScript: the child loads tsx by absolute URL, so the kiosk's working directory
// does not matter.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function openTokenClient(options: TokenClientOptions): TokenClient {
  const start: WorkerStartOptions = {
    modulePath: options.modulePath,
    rescanByReinitializing: options.rescanByReinitializing ?? /softhsm/i.test(basename(options.modulePath)),
  };
  const log = options.logger;
  let child: ChildProcess | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let closing: Promise<void> | undefined;

  const startChild = (): ChildProcess => {
    const started = fork(workerPath, [JSON.stringify(start)], {
      execArgv: ['--import', tsxLoader],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    log?.info({ pid: started.pid, module: options.modulePath }, 'token process started');
    started.on('message', (reply: WorkerReply) => {
      const call = pending.get(reply.id);
      if (!call) return;
      pending.delete(reply.id);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(reply.error.code ? new TokenError(reply.error.code, reply.error.message, reply.error.pin) : new Error(reply.error.message));
    });
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (child !== started) return;
      child = undefined;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      if (!closing) log?.warn({ pid: started.pid, code, signal, pendingCalls: pending.size }, 'token process ended; its logins are lost');
      for (const [id, call] of pending) {
        pending.delete(id);
        if (call.method === 'close') continue;
        call.reject(
          new TokenError(
            'token_process_crashed',
            `the token process ended (${how}) during ${call.method}; the token is logged out: log in again`,
          ),
        );
      }
    };
    started.on('exit', ended);
    started.on('error', (error) => {
      log?.warn({ pid: started.pid, err: error.message }, 'token process failed');
      started.kill('SIGKILL');
      ended(null, null);
    });
    return started;
  };

  const call = <T>(method: WorkerMethod, ...args: unknown[]): Promise<T> => {
    if (closing) return Promise.reject(new Error('the token client is closed'));
    child ??= startChild();
    const id = nextId++;
    const request: WorkerRequest = { id, method, args };
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      child!.send(request);
    });
  };

  child = startChild();

  return {
    get childPid() {
      return child?.pid;
    },
    listTokens: async () => call('listTokens'),
    readCertificates: async (tokenSerial) => call('readCertificates', serial(tokenSerial)),
    login: async (tokenSerial, pin) => {
      if (typeof pin !== 'string' || pin.length === 0) throw new RangeError('pin: required');
      return call('login', serial(tokenSerial), pin);
    },
    logout: async (tokenSerial) => call('logout', serial(tokenSerial)),
    generateKeyPair: async (tokenSerial, key) => call('generateKeyPair', serial(tokenSerial), { id: objectId(key.id), label: label(key.label) }),
    findKeyPair: async (tokenSerial, id) => call('findKeyPair', serial(tokenSerial), objectId(id)),
    listKeyPairIds: async (tokenSerial) => call('listKeyPairIds', serial(tokenSerial)),
    createCertificateRequest: async (tokenSerial, request) =>
      call('createCertificateRequest', serial(tokenSerial), { id: objectId(request.id), subject: request.subject }),
    sign: async (tokenSerial, request) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(request.dataBase64)) throw new RangeError('dataBase64: must be base64');
      return call('sign', serial(tokenSerial), { id: objectId(request.id), dataBase64: request.dataBase64 });
    },
    writeCertificate: async (tokenSerial, certificate) =>
      call('writeCertificate', serial(tokenSerial), {
        id: objectId(certificate.id),
        label: label(certificate.label),
        certificatePem: certificate.certificatePem,
      }),
    deleteObjects: async (tokenSerial, id) => call('deleteObjects', serial(tokenSerial), objectId(id)),
    endSessions: async (tokenSerial) => call('endSessions', serial(tokenSerial)),
    close() {
      if (closing) return closing;
      const running = child;
      if (!running) return (closing = Promise.resolve());
      // The close request queues behind the calls already sent: the worker finishes them, then
      // finalizes the library and exits. Never C_Finalize under a running call.
      closing = new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        const id = nextId++;
        pending.set(id, { method: 'close', resolve: () => undefined, reject: () => undefined });
        running.send({ id, method: 'close', args: [] } satisfies WorkerRequest);
      });
      return closing;
    },
  };
}

// Bad input is refused here, naming the field and the rule, before it reaches the token.
function serial(value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new RangeError('tokenSerial: required (CK_TOKEN_INFO.serialNumber)');
  return value.trim();
}

function objectId(value: string): string {
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(value)) {
    throw new RangeError(`id: CKA_ID must be hex, an even number of digits, not empty (got "${String(value)}")`);
  }
  return value.toLowerCase();
}

function label(value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new RangeError('label: required (CKA_LABEL)');
  return value;
}
