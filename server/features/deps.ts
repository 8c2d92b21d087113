// What the sales application layer needs: the store and the catalogue, a clock, an id source, a
// random source (coupon codes, RF references) and the settings in force. Routes build one
// SalesDeps at start; tests build theirs with a fixed clock.
import { randomBytes } from 'node:crypto';
import type { EventCatalogue } from '../../events/eventCatalogue';
import type { DomainEvent } from '../../events/index';
import type { Address } from '../../domain/invoicing/events';
import type { EventStore } from '../../events/port';
import type { RandomSource } from '../../domain/shared/couponCode';
import type { UnusedCouponOfDevice } from '../../domain/orders/unusedCoupons';
import { DEFAULT_REMINDER_OFFSETS_DAYS } from '../../domain/reminders/schedule';
import type { ConflictRetryPolicy } from '../commands/conflictRetry';

export interface SellerSettings {
  /** Company name, as printed on invoices and signed under e-mails. */
  name: string;
  /** Codice fiscale of the company when it differs from the partita IVA; else null (SELLER_TAX_CODE). */
  codiceFiscale: string | null;
  /** Partita IVA, 11 digits (SELLER_VAT_NUMBER). */
  partitaIva: string;
  address: Address;
  /** Printed on invoices. */
  email: string;
  /** The FatturaPA RegimeFiscale (RF01 ordinary, RF19 flat-rate, …) (SELLER_REGIME_FISCALE). */
  regimeFiscale: string;
  /** Where direct (RF) orders are paid, compact upper case (SELLER_IBAN, checked mod-97). */
  iban: string;
  /** The bank's BIC, or null (SELLER_BIC; optional in the EPC QR code within the EEA). */
  bic: string | null;
  /** The account holder, as on the payment notice and in its QR code, ≤ 70 characters (SELLER_BENEFICIARY, default SELLER_NAME). */
  beneficiary: string;
}

export interface SalesSettings {
  /** Administrative fee on prepaid top-ups, basis points (180 = 1.80 %). */
  prepaidFeeRateBp: number;
  /** Least amount a top-up must credit, cents (the guide's €33.00). */
  minimumTopUpCents: number;
  /** An unpaid direct order expires this many days after it was placed. */
  unpaidOrderExpiryDays: number;
  /** A coupon is redeemable for this many days from its issue. */
  couponValidityDays: number;
  seller: SellerSettings;
  /** Where the holder goes to renew (in the coupon e-mail). */
  renewalUrl: string;
  /** Where anyone can check a coupon code (in the coupon e-mail). */
  couponStatusUrl: string;
  /** How often the expiry reactor looks for unpaid orders past their expiry, ms. */
  orderExpiryCheckIntervalMs: number;
  /** Renewal reminders go out this many days before a certificate's deadline (REMINDER_OFFSETS_DAYS). */
  reminderOffsetsDays: readonly number[];
  /** How often the reminders reactor looks for reminders due, ms. */
  reminderCheckIntervalMs: number;
  /** The secret shared with the CA that signs its reports (CA_WEBHOOK_SECRET); null: the webhook answers 503. Never logged. */
  caWebhookSecret: string | null;
}

export const defaultSalesSettings: SalesSettings = {
  prepaidFeeRateBp: 180,
  minimumTopUpCents: 3300,
  unpaidOrderExpiryDays: 30,
  couponValidityDays: 365,
  seller: {
    name: 'Firma Facile S.r.l.',
    codiceFiscale: null,
    partitaIva: '01234560017',
    address: { street: 'Via Roma 1', postalCode: '00100', city: 'Roma', province: 'RM', country: 'IT' },
    email: 'amministrazione@firmafacile.example.it',
    regimeFiscale: 'RF01',
    // Fictional (bank code 09999), valid mod-97: for the demo and the tests only; set SELLER_IBAN.
    iban: 'IT28X0999912345000000123456',
    bic: null,
    beneficiary: 'Firma Facile S.r.l.',
  },
  renewalUrl: 'http://localhost:3000/rinnovo',
  couponStatusUrl: 'http://localhost:3000/verifica-coupon',
  orderExpiryCheckIntervalMs: 60_000,
  reminderOffsetsDays: DEFAULT_REMINDER_OFFSETS_DAYS,
  reminderCheckIntervalMs: 60_000,
  caWebhookSecret: null,
};

export interface SalesDeps {
  store: EventStore;
  catalogue: EventCatalogue<DomainEvent>;
  clock: () => Date;
  ids: { uuid(): string };
  /** Random bytes for coupon codes and RF references; default node:crypto. */
  random?: RandomSource;
  settings: SalesSettings;
  /**
   * Per device serial, the coupons bought for it (through its guided orders) still unused at `now`
   * (ISO): read from the read models (coupons/unusedOfDevices.ts). Absent: none are known, and the
   * guided sale does not ask for a confirmation.
   */
  unusedCoupons?: (serials: readonly string[], now: string) => Map<string, UnusedCouponOfDevice[]>;
  /** How the write path retries a conflict with another server (server/commands/conflictRetry.ts). */
  conflictRetry?: Partial<ConflictRetryPolicy> | undefined;
}

export const randomOf = (deps: Pick<SalesDeps, 'random'>): RandomSource => deps.random ?? ((n: number) => randomBytes(n));

/** The largest of positions (0 when nothing was appended). */
export const lastPosition = (...positions: number[]): number => Math.max(0, ...positions);
