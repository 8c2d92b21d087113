// The catalogue of products, as the read API serves it (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { id, text, int, bool, time, oneOf, when, money, textId } from '../../read/fields';
import { productKinds, productRenewals } from '../../../domain/catalogue/events';
import { roleGroups } from '../../security/routeTable';

export const catalogueResources: ResourceSpec[] = [
  {
    name: 'products',
    singular: 'product',
    view: 'products',
    projection: 'products',
    id: textId,
    tieBreaker: 'seq',
    summary: 'The catalogue: coupon products and timestamp packs, prices in cents excluding VAT',
    access: roleGroups.readAll,
    defaultSort: ['id', 'ASC'],
    search: { describe: 'code, description, professional role', terms: 'products_terms' },
    fields: {
      id,
      code: text({ sql: 'id' }),
      description: text({ sort: ['sort_description'] }),
      kind: oneOf(productKinds),
      renews: oneOf(productRenewals),
      professionalRole: text(),
      timestampPackSize: int(),
      priceCents: money({ sort: true, range: true }),
      vatRateBp: int(),
      priceWithVatCents: money(),
      withdrawn: bool({ filter: true }),
      withdrawnAt: time(),
      withdrawReason: text(),
      addedAt: when(),
      priceChangedAt: time(),
    },
  },
];
