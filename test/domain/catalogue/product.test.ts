import { describe, expect, it } from 'vitest';
import { EventCatalogue } from '../../../events/eventCatalogue';
import { productEventShapes, type ProductAdded, type ProductEvent } from '../../../domain/catalogue/events';
import {
  addProduct,
  changeProductPrice,
  guideProducts,
  orderableProduct,
  productAggregate,
  streamOf,
  withdrawProduct,
  type AddProduct,
} from '../../../domain/catalogue/decider';
import { DomainError } from '../../../domain/shared/errors';
import { lineAmounts } from '../../../domain/shared/money';
import { fold, specFor } from '../gwt';

const spec = specFor(productAggregate);
const now = new Date('2026-11-24T10:00:00.000Z');
const later = new Date('2027-01-01T00:00:00.000Z');
const catalogue = new EventCatalogue<ProductEvent>(productEventShapes);
const context = {
  actor: { userId: 'u-1', role: 'admin' as const },
  at: now.toISOString(),
  correlationId: '7f1e3a52-5d2c-4a53-9a0e-3f1c2b4d5e6f',
  causationId: null,
};
const encodable = <E extends ProductEvent>(events: E[]) => {
  for (const e of events) expect(() => catalogue.encode(e, context)).not.toThrow();
  return events;
};

const signing: AddProduct = {
  code: ' rin-firma ',
  description: 'Coupon Rinnovo Certificato Sottoscrizione',
  kind: 'coupon',
  renews: 'signing',
  priceCents: 1100,
  at: now.toISOString(),
};
const signingAdded: ProductAdded = {
  type: 'ProductAdded',
  data: {
    code: 'RIN-FIRMA',
    description: 'Coupon Rinnovo Certificato Sottoscrizione',
    kind: 'coupon',
    renews: 'signing',
    professionalRole: null,
    timestampPackSize: null,
    priceCents: 1100,
    vatRateBp: 2200,
    addedAt: now.toISOString(),
  },
};

describe('product: add', () => {
  it('adds a coupon product; the code is upper-cased, VAT defaults to 22%', () => {
    spec.given([]).when((s) => encodable(addProduct(signing, s))).then([signingAdded]);
    // Time comes in the command only, as an ISO-8601 UTC instant.
    spec.given([]).when((s) => addProduct({ ...signing, at: 'now' }, s)).then({ error: 'input_invalid', kind: 'invalid', field: 'at' });
    expect(streamOf(' rin-firma')).toBe('product-RIN-FIRMA');
  });

  it('adds a professional variant and a timestamp pack', () => {
    const role = spec
      .given([])
      .when((s) => encodable(addProduct({ ...signing, code: 'RIN-FIRMA-COMM', professionalRole: ' Commercialisti ' }, s)))
      .events();
    expect(role[0]).toMatchObject({ data: { professionalRole: 'Commercialisti' } });
    const pack = spec
      .given([])
      .when((s) =>
        encodable(
          addProduct(
            { code: 'MT-100', description: 'Pacchetto 100 marche temporali', kind: 'timestamps', renews: 'none', timestampPackSize: 100, priceCents: 1500, vatRateBp: 2200, at: now.toISOString() },
            s,
          ),
        ),
      )
      .events();
    expect(pack[0]).toMatchObject({ data: { kind: 'timestamps', renews: 'none', timestampPackSize: 100 } });
  });

  it('refuses a code that exists', () => {
    spec.given([signingAdded]).when((s) => addProduct(signing, s)).then({
      error: 'product_exists',
      kind: 'conflict',
      message: 'product RIN-FIRMA already exists',
    });
  });

  it.each([
    [{ code: 'RIN FIRMA' }, 'product_code_invalid', 'code'],
    [{ code: '-X' }, 'product_code_invalid', 'code'],
    [{ description: ' ' }, 'value_required', 'description'],
    [{ priceCents: 0 }, 'price_invalid', 'priceCents'],
    [{ priceCents: 11.5 }, 'price_invalid', 'priceCents'],
    [{ vatRateBp: 22 * 1000 * 1000 }, 'vat_rate_invalid', 'vatRateBp'],
    [{ vatRateBp: 22.5 }, 'vat_rate_invalid', 'vatRateBp'],
    [{ renews: 'none' }, 'coupon_renews_nothing', 'renews'],
    [{ timestampPackSize: 100 }, 'pack_size_not_allowed', 'timestampPackSize'],
    [{ kind: 'timestamps', renews: 'none' }, 'pack_size_invalid', 'timestampPackSize'],
    [{ kind: 'timestamps', renews: 'signing', timestampPackSize: 100 }, 'timestamps_renew_nothing', 'renews'],
    [{ kind: 'device', renews: 'both' }, 'device_renews_nothing', 'renews'],
    [{ kind: 'device', renews: 'none', timestampPackSize: 1 }, 'pack_size_not_allowed', 'timestampPackSize'],
    [{ kind: 'voucher' }, 'kind_invalid', 'kind'],
  ])('refuses %j', (patch, error, field) => {
    spec.given([]).when((s) => addProduct({ ...signing, ...patch } as AddProduct, s)).then({ error, kind: 'invalid', field });
  });
});

describe('product: change price', () => {
  it('records old and new price, effective now', () => {
    spec
      .given([signingAdded])
      .when((s) => encodable(changeProductPrice({ code: 'RIN-FIRMA', priceCents: 1200, at: later.toISOString() }, s)))
      .then([
        {
          type: 'ProductPriceChanged',
          data: { code: 'RIN-FIRMA', oldPriceCents: 1100, newPriceCents: 1200, effectiveAt: later.toISOString() },
        },
      ]);
  });

  it('orders see the new price', () => {
    const state = fold(productAggregate, [
      signingAdded,
      { type: 'ProductPriceChanged', data: { code: 'RIN-FIRMA', oldPriceCents: 1100, newPriceCents: 1200, effectiveAt: later.toISOString() } },
    ]);
    expect(orderableProduct(state).priceCents).toBe(1200);
  });

  it('the same price again changes nothing', () => {
    spec.given([signingAdded]).when((s) => changeProductPrice({ code: 'RIN-FIRMA', priceCents: 1100, at: later.toISOString() }, s)).thenNothing();
  });

  it('refuses an unknown product, a withdrawn one, a bad price', () => {
    spec.given([]).when((s) => changeProductPrice({ code: 'rin-x', priceCents: 1200, at: later.toISOString() }, s)).then({
      error: 'product_not_found',
      kind: 'not_found',
      message: 'product RIN-X not found',
    });
    spec
      .given([signingAdded, { type: 'ProductWithdrawn', data: { code: 'RIN-FIRMA', reason: null, withdrawnAt: later.toISOString() } }])
      .when((s) => changeProductPrice({ code: 'RIN-FIRMA', priceCents: 1200, at: later.toISOString() }, s))
      .then({ error: 'product_withdrawn', kind: 'rule' });
    spec.given([signingAdded]).when((s) => changeProductPrice({ code: 'RIN-FIRMA', priceCents: -1, at: later.toISOString() }, s)).then({
      error: 'price_invalid',
      kind: 'invalid',
      field: 'priceCents',
    });
  });
});

describe('product: withdraw', () => {
  const withdrawn = { type: 'ProductWithdrawn' as const, data: { code: 'RIN-FIRMA', reason: 'replaced by RIN-FIRMA-3Y', withdrawnAt: later.toISOString() } };

  it('withdraws with a reason; again is a no-op', () => {
    spec
      .given([signingAdded])
      .when((s) => encodable(withdrawProduct({ code: 'RIN-FIRMA', reason: ' replaced by RIN-FIRMA-3Y ', at: later.toISOString() }, s)))
      .then([withdrawn]);
    spec.given([signingAdded, withdrawn]).when((s) => withdrawProduct({ code: 'RIN-FIRMA', at: later.toISOString() }, s)).thenNothing();
    spec.given([]).when((s) => withdrawProduct({ code: 'RIN-FIRMA', at: later.toISOString() }, s)).then({ error: 'product_not_found', kind: 'not_found' });
  });

  it('a withdrawn product cannot be ordered', () => {
    const state = fold(productAggregate, [signingAdded, withdrawn]);
    expect(() => orderableProduct(state)).toThrow(DomainError);
    try {
      orderableProduct(state);
    } catch (error) {
      expect(error).toMatchObject({ code: 'product_withdrawn', kind: 'rule' });
      expect((error as Error).message).toBe(
        'product RIN-FIRMA (Coupon Rinnovo Certificato Sottoscrizione) has been withdrawn and cannot be ordered',
      );
    }
    expect(() => orderableProduct(fold(productAggregate, []), 'RIN-X')).toThrow('product RIN-X not found');
  });

  it('an available product is orderable, with what an order line needs', () => {
    expect(orderableProduct(fold(productAggregate, [signingAdded]))).toEqual({
      code: 'RIN-FIRMA',
      description: 'Coupon Rinnovo Certificato Sottoscrizione',
      kind: 'coupon',
      renews: 'signing',
      professionalRole: null,
      timestampPackSize: null,
      priceCents: 1100,
      vatRateBp: 2200,
    });
  });
});

describe("product: the guide's catalogue", () => {
  const added = guideProducts.map((p) => {
    const events = encodable(addProduct({ ...p, at: now.toISOString() }, fold(productAggregate, [])));
    return orderableProduct(fold(productAggregate, events));
  });
  const byCode = new Map(added.map((p) => [p.code, p]));

  it('every seed product is valid and has a distinct code', () => {
    expect(byCode.size).toBe(guideProducts.length);
    expect(added.every((p) => p.vatRateBp === 2200)).toBe(true);
  });

  it('has the prices of the guides', () => {
    expect(
      added.map((p) => [p.code, p.renews, p.professionalRole, p.priceCents]),
    ).toEqual([
      ['RIN-FIRMA', 'signing', null, 1100],
      ['RIN-CNS', 'authentication', null, 1100],
      ['RIN-FIRMA-CNS', 'both', null, 2600],
      ['RIN-FIRMA-COMM', 'signing', 'Commercialisti', 1100],
      ['RIN-CNS-COMM', 'authentication', 'Commercialisti', 2000],
      ['RIN-POSTICIPATO', 'both', null, 1000],
      ['CARTA-SOST', 'none', null, 4000],
      ['MT-100', 'none', null, 1500],
    ]);
    expect(byCode.get('MT-100')).toMatchObject({ kind: 'timestamps', timestampPackSize: 100 });
  });

  it('"both" at €26.00 is €31.72 with 22% VAT, as the payment summary shows', () => {
    const both = byCode.get('RIN-FIRMA-CNS');
    expect(both && lineAmounts({ unitPriceCents: both.priceCents, quantity: 1, vatRateBp: both.vatRateBp })).toEqual({
      taxableCents: 2600,
      vatCents: 572,
      totalCents: 3172,
    });
  });
});
