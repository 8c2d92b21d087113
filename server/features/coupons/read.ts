// Coupons, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { COUPON_STATES } from '../../../projections/readModels/coupons';
import { couponRenewals } from '../../../domain/orders/events';
import { deviceSerial, upper, id, text, time, oneOf, when, textId } from '../../read/fields';
import { normaliseCouponCode } from '../../../domain/shared/couponCode';
import { roleGroups } from '../../security/routeTable';
import { type Role } from '../../../events/eventCatalogue';

/** Who sees coupon codes in full: the desk, which hands them to customers. Others get the hint. */
export const COUPON_CODE_ROLES: readonly Role[] = ['operator', 'supervisor'];

export const couponsResources: ResourceSpec[] = [
  {
    name: 'coupons',
    singular: 'coupon',
    view: 'coupons',
    projection: 'coupons',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Coupons: state, product, order, redemption; the code in full for the desk, its hint for the others',
    access: roleGroups.readAll,
    defaultSort: ['issuedAt', 'DESC'],
    search: {
      describe: 'the code (operators and supervisors), the last group of the code, device serial, product code',
      terms: 'coupons_terms',
      columns: [{ sql: 'code_key', normalise: normaliseCouponCode, roles: COUPON_CODE_ROLES }],
    },
    fields: {
      id,
      code: text({ sql: 'code', roles: COUPON_CODE_ROLES, otherwise: 'code_hint', filter: 'code_key', normalise: normaliseCouponCode }),
      codeHint: text({ sql: 'code_hint' }),
      state: oneOf(COUPON_STATES),
      productCode: text({ filter: true, normalise: upper }),
      renews: oneOf(couponRenewals),
      orderId: text({ filter: true }),
      customerId: text({ filter: true }),
      issuedAt: when(),
      validUntil: when(),
      redeemedAt: when(),
      deviceSerial: text({ filter: true, normalise: deviceSerial }),
      certificateKind: text({ values: couponRenewals }),
      cancelledAt: time(),
      cancelReason: text(),
      expiredAt: time(),
    },
  },
];
