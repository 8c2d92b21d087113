// The catalogue of coupon products (and timestamp packs): stream `product-<code>`.
// Prices are excluding VAT, integer cents; VAT rates are basis points (2200 = 22 %).
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

/** What a product renews; 'none' for a product that renews nothing (a timestamp pack, a new device). */
export const productRenewals = ['signing', 'authentication', 'both', 'none'] as const;
export type ProductRenews = (typeof productRenewals)[number];

/** 'device': a new signature device (the replacement card of a replacement request), renews 'none'. */
export const productKinds = ['coupon', 'timestamps', 'device'] as const;
export type ProductKind = (typeof productKinds)[number];

/** Upper-case letters and digits in dash-separated groups, e.g. `RIN-FIRMA`, `MT-100`. */
export const productCodePattern = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

export const productAdded = eventShape(
  'ProductAdded',
  z.object({
    code: z.string().regex(productCodePattern).max(40),
    /** Italian, as printed on orders and invoices. */
    description: z.string().min(1),
    kind: z.enum(productKinds),
    renews: z.enum(productRenewals),
    /** Professional role variant, e.g. 'Commercialisti'; null for the general product. */
    professionalRole: z.string().min(1).nullable(),
    /** Number of timestamps in a pack (kind 'timestamps'); null for a coupon. */
    timestampPackSize: z.number().int().positive().nullable(),
    priceCents: z.number().int().positive(),
    vatRateBp: z.number().int().min(0).max(10_000),
    addedAt: z.iso.datetime(),
  }),
);

/** A new price (excluding VAT), in force from `effectiveAt` (the time of the change). */
export const productPriceChanged = eventShape(
  'ProductPriceChanged',
  z.object({
    code: z.string().min(1),
    oldPriceCents: z.number().int().positive(),
    newPriceCents: z.number().int().positive(),
    effectiveAt: z.iso.datetime(),
  }),
);

/** The product can no longer be ordered (orders already placed keep it). */
export const productWithdrawn = eventShape(
  'ProductWithdrawn',
  z.object({
    code: z.string().min(1),
    reason: z.string().nullable(),
    withdrawnAt: z.iso.datetime(),
  }),
);

export const productEventShapes = [productAdded, productPriceChanged, productWithdrawn];

export type ProductAdded = EventOf<typeof productAdded>;
export type ProductPriceChanged = EventOf<typeof productPriceChanged>;
export type ProductWithdrawn = EventOf<typeof productWithdrawn>;
export type ProductEvent = ProductAdded | ProductPriceChanged | ProductWithdrawn;
