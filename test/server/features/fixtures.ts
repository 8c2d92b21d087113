// A world for the sales and reactor tests: a real embedded store on a temp file, the catalogue, a
// clock the test moves, and helpers for the usual first steps (products, a customer, a card).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { createSqliteStore } from '../../../events/adapters/sqlite';
import type { CommandContext } from '../../../events/eventCatalogue';
import { catalogue } from '../../../events/index';
import type { EventStore } from '../../../events/port';
import type { RandomSource } from '../../../domain/shared/couponCode';
import { sqliteCheckpointStore, startReactors, type RunningReactors, type StartReactorsDeps } from '../../../server/reactors/index';
import {
  defaultSalesSettings,
  registerCustomer,
  registerDevice,
  seedGuideProducts,
  topUpPrepaid,
  type SalesDeps,
  type SalesSettings,
} from '../../../server/features/services';
import { startTestSmtp, type TestSmtp } from '../../support/smtp';
import { tempDir } from '../../support/tmp';

export const MARIO_CF = 'RSSMRA80A01H501U';
export const LAURA_CF = 'BNCLRA85T45F205L';
export const GIUSEPPE_CF = 'VRDGPP70C10L219Q';
/** A valid partita IVA (office code 001). */
export const FIRM_PIVA = '01234560017';

export const operator: CommandContext = {
  actor: { userId: 'op-1', role: 'operator' },
  at: '2026-03-10T09:00:00.000Z',
  correlationId: '11111111-1111-4111-8111-111111111111',
  causationId: null,
};
export const accountant: CommandContext = { ...operator, actor: { userId: 'acc-1', role: 'accountant' } };
export const supervisor: CommandContext = { ...operator, actor: { userId: 'sup-1', role: 'supervisor' } };

export interface TestClock {
  now: Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export interface World {
  dir: { path: string; remove(): void };
  file: string;
  store: EventStore;
  clock: TestClock;
  deps: SalesDeps;
  close(): Promise<void>;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function makeWorld(options: { settings?: Partial<SalesSettings>; random?: RandomSource; start?: string } = {}): World {
  const dir = tempDir('sales-');
  const file = join(dir.path, 'events.db');
  const store = createSqliteStore({ file });
  const clock: TestClock = {
    now: new Date(options.start ?? '2026-03-10T09:00:00.000Z'),
    set(iso) {
      this.now = new Date(iso);
    },
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const deps: SalesDeps = {
    store,
    catalogue,
    clock: () => clock.now,
    ids: { uuid: randomUUID },
    settings: { ...defaultSalesSettings, orderExpiryCheckIntervalMs: 20, ...options.settings },
    ...(options.random ? { random: options.random } : {}),
  };
  return {
    dir,
    file,
    store,
    clock,
    deps,
    async close() {
      await store.close();
      dir.remove();
    },
  };
}

/** The same world seen by another process: its own store connection on the same file. */
export function sameFile(world: World): { store: EventStore; deps: SalesDeps } {
  const store = createSqliteStore({ file: world.file });
  return { store, deps: { ...world.deps, store } };
}

export const romeAddress = { street: 'Via del Corso 10', postalCode: '00186', city: 'Roma', province: 'RM' };

export async function registerMario(world: World, email = 'mario.rossi@example.it') {
  return registerCustomer(
    world.deps,
    { kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: MARIO_CF, email, billingAddress: romeAddress },
    operator,
  );
}

/** A smart card with both certificates, expiring `expiresInDays` after the world's clock. */
export async function registerCard(world: World, serial: string, holderCf = MARIO_CF, expiresInDays = 30) {
  const until = new Date(world.clock.now.getTime() + expiresInDays * DAY).toISOString();
  const from = new Date(world.clock.now.getTime() - 3 * 365 * DAY).toISOString();
  return registerDevice(
    world.deps,
    {
      serial,
      kind: 'smart_card',
      issuer: 'Camera di Commercio di Roma',
      issuedOn: from.slice(0, 10),
      holderCodiceFiscale: holderCf,
      certificates: [
        { kind: 'signing', serialNumber: `S${serial}`, validFrom: from, validUntil: until },
        { kind: 'authentication', serialNumber: `A${serial}`, validFrom: from, validUntil: until },
      ],
    },
    operator,
  );
}

/** Products of the guide, Mario registered, `creditCents` on his prepaid account. */
export async function shopWithMario(world: World, creditCents = 3300) {
  await seedGuideProducts(world.deps, operator);
  const { customerId } = await registerMario(world);
  if (creditCents > 0) {
    const fee = Math.round((creditCents * world.deps.settings.prepaidFeeRateBp) / 10_000);
    await topUpPrepaid(
      world.deps,
      { customerId, amountReceivedCents: creditCents + fee, method: 'bank_transfer', reference: 'CRO-1', receivedOn: '2026-03-09' },
      operator,
    );
  }
  return customerId;
}

export async function typesIn(store: EventStore, stream: string): Promise<string[]> {
  return (await store.readStream(stream)).map((e) => e.type);
}

export async function eventsOfType<T = Record<string, unknown>>(store: EventStore, type: string): Promise<Array<{ stream: string; data: T }>> {
  const out: Array<{ stream: string; data: T }> = [];
  for await (const e of store.readAll()) if (e.type === type) out.push({ stream: e.stream, data: e.data as T });
  return out;
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Running {
  smtp: TestSmtp;
  reactors: RunningReactors;
  start(overrides?: Partial<StartReactorsDeps>): RunningReactors;
  close(): Promise<void>;
}

/** A real SMTP server and the reactors on the world's store (more sets can be started with start()). */
export async function withReactors(world: World, overrides: Partial<StartReactorsDeps> = {}): Promise<Running> {
  const smtp = await startTestSmtp();
  // Shared by every set started here, as server.db is by a server's restarts.
  const checkpoints = sqliteCheckpointStore(':memory:');
  const started: RunningReactors[] = [];
  const transports: Transporter[] = [];
  const start = (more: Partial<StartReactorsDeps> = {}) => {
    // Pooled: one SMTP connection reused, as a long-running server would.
    const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
    transports.push(transport);
    const r = startReactors({
      ...world.deps,
      transport,
      outbox: { firstDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
      retry: { firstDelayMs: 10, maxDelayMs: 50 },
      checkpoints,
      ...overrides,
      ...more,
    });
    started.push(r);
    return r;
  };
  const reactors = start();
  return {
    smtp,
    reactors,
    start,
    async close() {
      for (const r of started) await r.stop();
      for (const t of transports) t.close();
      checkpoints.close();
      await smtp.close();
    },
  };
}

/** The codes in an e-mail's text (grouped Crockford base32). */
export const codesIn = (text: string): string[] => text.match(/\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}\b/g) ?? [];
