// The catalogue of coupon products: stream `product-<code>`.
//
// A price change takes effect at the time it is decided (`effectiveAt` = the command's `at`): scheduling a future
// price is not supported (it would be another command). Orders read the current price through
// `orderableProduct(state)`, which refuses a withdrawn product.
import type {
  ProductAdded,
  ProductEvent,
  ProductKind,
  ProductPriceChanged,
  ProductRenews,
  ProductWithdrawn,
} from './events';
import { productCodePattern, productKinds, productRenewals } from './events';
import type { Decider } from '../shared/decider';
import { instantOf } from '../shared/utcTime';
import { DomainError, conflict, invalid, notFound } from '../shared/errors';

export const DEFAULT_VAT_RATE_BP = 2200;

/** Trims and upper-cases a product code: ` rin-firma ` → `RIN-FIRMA`. */
export const normaliseProductCode = (code: string): string => code.trim().toUpperCase();

export const streamOf = (code: string): string => `product-${normaliseProductCode(code)}`;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export interface Product {
  code: string;
  description: string;
  kind: ProductKind;
  renews: ProductRenews;
  professionalRole: string | null;
  timestampPackSize: number | null;
  priceCents: number;
  vatRateBp: number;
}

export type ProductState =
  | { status: 'absent' }
  | ({ status: 'available' | 'withdrawn'; addedAt: string; priceChangedAt: string | null } & Product);

export const initialState = (): ProductState => ({ status: 'absent' });

export function evolve(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductAdded': {
      const { addedAt, ...product } = event.data;
      return { status: 'available', addedAt, priceChangedAt: null, ...product };
    }
    case 'ProductPriceChanged':
      return state.status === 'absent'
        ? state
        : { ...state, priceCents: event.data.newPriceCents, priceChangedAt: event.data.effectiveAt };
    case 'ProductWithdrawn':
      return state.status === 'absent' ? state : { ...state, status: 'withdrawn' };
    default:
      return state;
  }
}

export const productAggregate: Decider<ProductState, ProductEvent> = { initialState, evolve };

/**
 * The product as an order line needs it, at its current price. Throws `product_not_found` when the
 * product does not exist and `product_withdrawn` (kind 'rule') when it was withdrawn.
 */
export function orderableProduct(state: ProductState, code = '(unknown)'): Product {
  if (state.status === 'absent') throw notFound('product', code);
  if (state.status === 'withdrawn') {
    throw new DomainError('product_withdrawn', `product ${state.code} (${state.description}) has been withdrawn and cannot be ordered`, 'rule', 'productCode');
  }
  const { status: _status, addedAt: _addedAt, priceChangedAt: _changedAt, ...product } = state;
  return product;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export interface AddProduct {
  code: string;
  description: string;
  kind: ProductKind;
  renews: ProductRenews;
  professionalRole?: string | null | undefined;
  /** Required for kind 'timestamps', absent for a coupon. */
  timestampPackSize?: number | null | undefined;
  priceCents: number;
  /** Default 2200 (22 %). */
  vatRateBp?: number | undefined;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

function validCode(code: string): string {
  const c = normaliseProductCode(code ?? '');
  if (!productCodePattern.test(c) || c.length > 40) {
    throw invalid('code', `product code must be letters and digits in dash-separated groups, e.g. RIN-FIRMA (got '${code}')`, 'product_code_invalid');
  }
  return c;
}

function validPrice(cents: number, field: string): number {
  if (!Number.isSafeInteger(cents) || cents <= 0) {
    throw invalid(field, `must be a positive whole number of cents (got ${cents})`, 'price_invalid');
  }
  return cents;
}

function text(value: string | null | undefined, field: string): string {
  const t = (value ?? '').trim().replace(/\s+/g, ' ');
  if (t === '') throw invalid(field, 'is required', 'value_required');
  if (t.length > 200) throw invalid(field, `at most 200 characters (got ${t.length})`, 'value_too_long');
  return t;
}

export function addProduct(command: AddProduct, state: ProductState): ProductAdded[] {
  const at = instantOf(command.at);
  const code = validCode(command.code);
  if (state.status !== 'absent') throw conflict('product_exists', `product ${code} already exists`);
  const description = text(command.description, 'description');
  if (!productKinds.includes(command.kind)) {
    throw invalid('kind', `must be one of ${productKinds.join(', ')} (got '${command.kind}')`, 'kind_invalid');
  }
  if (!productRenewals.includes(command.renews)) {
    throw invalid('renews', `must be one of ${productRenewals.join(', ')} (got '${command.renews}')`, 'renews_invalid');
  }
  let timestampPackSize: number | null = null;
  if (command.kind === 'coupon') {
    if (command.renews === 'none') {
      throw invalid('renews', 'a coupon renews signing, authentication or both', 'coupon_renews_nothing');
    }
    if (command.timestampPackSize !== undefined && command.timestampPackSize !== null) {
      throw invalid('timestampPackSize', 'only a timestamp pack has a pack size', 'pack_size_not_allowed');
    }
  } else if (command.kind === 'device') {
    if (command.renews !== 'none') {
      throw invalid('renews', `a device is sold with new certificates, it renews none: renews must be 'none'`, 'device_renews_nothing');
    }
    if (command.timestampPackSize !== undefined && command.timestampPackSize !== null) {
      throw invalid('timestampPackSize', 'only a timestamp pack has a pack size', 'pack_size_not_allowed');
    }
  } else {
    if (command.renews !== 'none') {
      throw invalid('renews', `a timestamp pack renews no certificate: renews must be 'none'`, 'timestamps_renew_nothing');
    }
    const size = command.timestampPackSize;
    if (size === undefined || size === null || !Number.isSafeInteger(size) || size <= 0) {
      throw invalid('timestampPackSize', `a timestamp pack needs a positive number of timestamps (got ${String(size)})`, 'pack_size_invalid');
    }
    timestampPackSize = size;
  }
  const role = (command.professionalRole ?? '').trim().replace(/\s+/g, ' ');
  const priceCents = validPrice(command.priceCents, 'priceCents');
  const vatRateBp = command.vatRateBp ?? DEFAULT_VAT_RATE_BP;
  if (!Number.isSafeInteger(vatRateBp) || vatRateBp < 0 || vatRateBp > 10_000) {
    throw invalid('vatRateBp', `must be whole basis points 0-10000, e.g. 2200 for 22% (got ${vatRateBp})`, 'vat_rate_invalid');
  }
  return [
    {
      type: 'ProductAdded',
      data: {
        code,
        description,
        kind: command.kind,
        renews: command.renews,
        professionalRole: role === '' ? null : role,
        timestampPackSize,
        priceCents,
        vatRateBp,
        addedAt: at,
      },
    },
  ];
}

export interface ChangeProductPrice {
  code: string;
  priceCents: number;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** A new price excluding VAT, effective at the command's `at`; the same price again changes nothing. */
export function changeProductPrice(command: ChangeProductPrice, state: ProductState): ProductPriceChanged[] {
  const at = instantOf(command.at);
  if (state.status === 'absent') throw notFound('product', normaliseProductCode(command.code ?? ''));
  if (state.status === 'withdrawn') {
    throw new DomainError('product_withdrawn', `product ${state.code} has been withdrawn: its price cannot change`, 'rule', 'code');
  }
  const newPriceCents = validPrice(command.priceCents, 'priceCents');
  if (newPriceCents === state.priceCents) return [];
  return [
    {
      type: 'ProductPriceChanged',
      data: { code: state.code, oldPriceCents: state.priceCents, newPriceCents, effectiveAt: at },
    },
  ];
}

export interface WithdrawProduct {
  code: string;
  reason?: string | null | undefined;
  /** When the command is decided, ISO-8601 UTC: the instant its event records. */
  at: string;
}

/** Withdraws the product from sale; withdrawing it again changes nothing. */
export function withdrawProduct(command: WithdrawProduct, state: ProductState): ProductWithdrawn[] {
  const at = instantOf(command.at);
  if (state.status === 'absent') throw notFound('product', normaliseProductCode(command.code ?? ''));
  if (state.status === 'withdrawn') return [];
  const reason = (command.reason ?? '').trim() || null;
  return [{ type: 'ProductWithdrawn', data: { code: state.code, reason, withdrawnAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// The guide's products (seed)
// ---------------------------------------------------------------------------------------------

/**
 * The products of the first and second guide, prices excluding VAT, 22 % VAT.
 *  - "both" (Autenticazione e Sottoscrizione): the guide shows €30.00 on the choice screen and
 *    €26.00 (€31.72 with VAT) on the payment summary; the summary is what was charged, so €26.00.
 *  - Pay-after renewal (second guide, smart cards issued after 1 January 2009): €10.00 + VAT; it
 *    renews the card's certificates, hence 'both'.
 *  - The replacement card (issue #16: a new card when the old one is past its deadline, lost,
 *    stolen or broken) is an example too: €40.00 + VAT, kind 'device', renews nothing.
 *  - The timestamp pack is an example: 100 marche temporali at €15.00 (the guides list the service
 *    but give no price).
 */
const VAT = DEFAULT_VAT_RATE_BP;

/** The product a replacement request orders unless it names another (a device product). */
export const REPLACEMENT_CARD_PRODUCT = 'CARTA-SOST';

export const guideProducts: readonly Omit<AddProduct, 'at'>[] = [
  {
    code: 'RIN-FIRMA',
    description: 'Coupon Rinnovo Certificato Sottoscrizione',
    kind: 'coupon',
    renews: 'signing',
    priceCents: 1100,
    vatRateBp: VAT,
  },
  {
    code: 'RIN-CNS',
    description: 'Coupon Rinnovo Certificato Autenticazione',
    kind: 'coupon',
    renews: 'authentication',
    priceCents: 1100,
    vatRateBp: VAT,
  },
  {
    code: 'RIN-FIRMA-CNS',
    description: 'Coupon Rinnovo Certificato Autenticazione e Sottoscrizione',
    kind: 'coupon',
    renews: 'both',
    priceCents: 2600,
    vatRateBp: VAT,
  },
  {
    code: 'RIN-FIRMA-COMM',
    description: 'Coupon Rinnovo Certificato Sottoscrizione con Ruolo Commercialisti',
    kind: 'coupon',
    renews: 'signing',
    professionalRole: 'Commercialisti',
    priceCents: 1100,
    vatRateBp: VAT,
  },
  {
    code: 'RIN-CNS-COMM',
    description: 'Coupon Rinnovo Certificato Autenticazione CNS Commercialisti',
    kind: 'coupon',
    renews: 'authentication',
    professionalRole: 'Commercialisti',
    priceCents: 2000,
    vatRateBp: VAT,
  },
  {
    code: 'RIN-POSTICIPATO',
    description: 'Rinnovo Smart Card con pagamento posticipato',
    kind: 'coupon',
    renews: 'both',
    priceCents: 1000,
    vatRateBp: VAT,
  },
  {
    code: REPLACEMENT_CARD_PRODUCT,
    description: 'Smart card sostitutiva (nuovo dispositivo con certificati)',
    kind: 'device',
    renews: 'none',
    priceCents: 4000,
    vatRateBp: VAT,
  },
  {
    code: 'MT-100',
    description: 'Pacchetto 100 marche temporali',
    kind: 'timestamps',
    renews: 'none',
    timestampPackSize: 100,
    priceCents: 1500,
    vatRateBp: VAT,
  },
];
