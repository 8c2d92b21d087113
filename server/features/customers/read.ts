// Customers, as the read API serves them (server/read/routes.ts): the view its projection
// maintains, the fields (snake_case SQL → camelCase JSON), what sorts, filters and `q` searches.
import type { ResourceSpec } from '../../read/listQuery';
import { codiceFiscale, partitaIva, lower, id, text, bool, time, json, oneOf, when, money, textId } from '../../read/fields';
import { roleGroups } from '../../security/routeTable';

export const customersResources: ResourceSpec[] = [
  {
    name: 'customers',
    singular: 'customer',
    view: 'customers',
    projection: 'customers',
    id: textId,
    tieBreaker: 'seq',
    summary: 'Customers (persons, Registration Officers, firms) with their prepaid balance',
    access: roleGroups.readAll,
    defaultSort: ['fullName', 'ASC'],
    search: { describe: 'name, surname, codice fiscale, partita IVA, e-mail', terms: 'customers_terms' },
    fields: {
      id,
      kind: oneOf(['person', 'firm']),
      name: text(),
      surname: text(),
      fullName: text({ sort: ['sort_name'] }),
      codiceFiscale: text({ filter: true, sort: true, normalise: codiceFiscale }),
      partitaIva: text({ filter: true, normalise: partitaIva }),
      email: text({ filter: true, sort: true, normalise: lower }),
      registrationOfficer: bool({ filter: true }),
      city: text({ filter: true, sort: true }),
      province: text(),
      billingAddress: json(),
      sdiCode: text({ filter: true }),
      pecAddress: text(),
      prepaidBalanceCents: money({ sort: true, range: true }),
      prepaidUpdatedAt: time(),
      registeredAt: when(),
    },
  },
];
