// A customer as its screen shows it, folded from its stream `customer-<id>`: who, the profile
// e-mail the coupon codes go to, the billing address and where the SdI delivers e-invoices.
import type { BillingAddress, CustomerEvent } from '../customers/events';
import type { HistoryEvent } from './recorded';

export interface CustomerAsOf {
  id: string;
  kind: 'person' | 'firm';
  fullName: string;
  name: string;
  surname: string | null;
  codiceFiscale: string | null;
  partitaIva: string | null;
  registrationOfficer: boolean;
  email: string;
  billingAddress: BillingAddress;
  sdiCode: string | null;
  pecAddress: string | null;
  registeredAt: string;
}

/** The customer after these events; null before its CustomerRegistered. */
export function foldCustomer(events: readonly HistoryEvent[]): CustomerAsOf | null {
  let c: CustomerAsOf | null = null;
  for (const raw of events) {
    const e = raw as unknown as CustomerEvent;
    switch (e.type) {
      case 'CustomerRegistered': {
        const d = e.data;
        c = {
          id: d.customerId,
          kind: d.kind,
          fullName: d.kind === 'person' ? `${d.name} ${d.surname}` : d.name,
          name: d.name,
          surname: d.kind === 'person' ? d.surname : null,
          codiceFiscale: d.codiceFiscale,
          partitaIva: d.kind === 'firm' ? d.partitaIva : null,
          registrationOfficer: d.registrationOfficer,
          email: d.email,
          billingAddress: d.billingAddress,
          sdiCode: null,
          pecAddress: null,
          registeredAt: d.registeredAt,
        };
        break;
      }
      case 'CustomerEmailChanged':
        if (c) c = { ...(c as CustomerAsOf), email: e.data.newEmail };
        break;
      case 'CustomerSdiAddressChanged':
        if (c) c = { ...(c as CustomerAsOf), sdiCode: e.data.sdiCode, pecAddress: e.data.pecAddress };
        break;
    }
  }
  return c;
}
