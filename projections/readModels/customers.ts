// Read model `customers`: one row per customer (person, Registration Officer or firm) with the
// profile e-mail, the billing city and the prepaid balance (the balance after the customer's last
// prepaid event, in cents), and the search terms (name, surname, codice fiscale, partita IVA, e-mail).
import type { CustomerAreaEvent } from '../../domain/customers/events';
import type { PrepaidEvent } from '../../domain/prepaid/events';
import { sql, type Projection } from '../projection';
import { addTerms, createTermsTable, flag, isoTime, normaliseText, replaceTerms, seqOf } from './shared';

type Handled = CustomerAreaEvent | PrepaidEvent;

export const customersProjection: Projection<Handled> = {
  name: 'customers',
  // v2: the SdI recipient code and PEC address (CustomerSdiAddressChanged).
  version: 2,
  tables: ['customers', 'customers_terms'],
  // No version bump for PrepaidAdjustmentApproved: no such event existed before it was handled.
  handles: ['CustomerRegistered', 'CustomerEmailChanged', 'CustomerSdiAddressChanged', 'PrepaidToppedUp', 'PrepaidDebited', 'PrepaidCredited', 'PrepaidAdjustmentApproved'],
  setup(db, t) {
    const c = t('customers');
    db.exec(`CREATE TABLE ${c} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      kind TEXT,
      name TEXT,
      surname TEXT,
      full_name TEXT,
      sort_name TEXT,
      codice_fiscale TEXT,
      partita_iva TEXT,
      email TEXT,
      registration_officer INTEGER NOT NULL DEFAULT 0,
      city TEXT,
      province TEXT,
      billing_address TEXT,
      prepaid_balance_cents INTEGER NOT NULL DEFAULT 0,
      prepaid_updated_at TEXT,
      registered_at TEXT,
      sdi_code TEXT,
      pec_address TEXT
    )`);
    db.exec(`CREATE INDEX ${c}_by_name ON ${c} (sort_name)`);
    db.exec(`CREATE INDEX ${c}_by_kind ON ${c} (kind, sort_name)`);
    db.exec(`CREATE INDEX ${c}_by_registered ON ${c} (registered_at)`);
    db.exec(`CREATE INDEX ${c}_by_balance ON ${c} (prepaid_balance_cents)`);
    db.exec(`CREATE INDEX ${c}_by_cf ON ${c} (codice_fiscale)`);
    db.exec(`CREATE INDEX ${c}_by_piva ON ${c} (partita_iva)`);
    db.exec(`CREATE INDEX ${c}_by_email ON ${c} (email)`);
    db.exec(`CREATE INDEX ${c}_by_city ON ${c} (city, sort_name)`);
    db.exec(`CREATE INDEX ${c}_by_officer ON ${c} (registration_officer, sort_name)`);
    createTermsTable(db, t('customers_terms'));
  },
  apply(db, event, t) {
    const c = t('customers');
    switch (event.type) {
      case 'CustomerRegistered': {
        const d = event.data;
        const surname = d.kind === 'person' ? d.surname : null;
        const fullName = d.kind === 'person' ? `${d.name} ${d.surname}` : d.name;
        const sortName = normaliseText(d.kind === 'person' ? `${d.surname} ${d.name}` : d.name);
        const partitaIva = d.kind === 'firm' ? d.partitaIva : null;
        sql(db)`INSERT INTO ${c} (id, kind, name, surname, full_name, sort_name, codice_fiscale, partita_iva, email,
             registration_officer, city, province, billing_address, registered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, surname = excluded.surname,
             full_name = excluded.full_name, sort_name = excluded.sort_name, codice_fiscale = excluded.codice_fiscale,
             partita_iva = excluded.partita_iva, email = excluded.email, registration_officer = excluded.registration_officer,
             city = excluded.city, province = excluded.province, billing_address = excluded.billing_address,
             registered_at = excluded.registered_at`.run(
          d.customerId,
          d.kind,
          d.name,
          surname,
          fullName,
          sortName,
          d.codiceFiscale,
          partitaIva,
          d.email,
          flag(d.registrationOfficer),
          d.billingAddress.city,
          d.billingAddress.province,
          JSON.stringify(d.billingAddress),
          isoTime(d.registeredAt),
        );
        addTerms(db, t('customers_terms'), seqOf(db, c, d.customerId), d.name, surname, d.codiceFiscale, partitaIva, d.email);
        break;
      }
      case 'CustomerEmailChanged': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET email = ? WHERE id = ?`.run(d.newEmail, d.customerId);
        const row = sql(db)<[string], { name: string | null; surname: string | null; codice_fiscale: string | null; partita_iva: string | null }>`SELECT name, surname, codice_fiscale, partita_iva FROM ${c} WHERE id = ?`.get(d.customerId);
        if (row) replaceTerms(db, t('customers_terms'), seqOf(db, c, d.customerId), row.name, row.surname, row.codice_fiscale, row.partita_iva, d.newEmail);
        break;
      }
      case 'CustomerSdiAddressChanged': {
        const d = event.data;
        sql(db)`UPDATE ${c} SET sdi_code = ?, pec_address = ? WHERE id = ?`.run(d.sdiCode, d.pecAddress, d.customerId);
        break;
      }
      case 'CustomerTaxCodeClaimed':
      case 'CustomerVatNumberClaimed':
        break;
      case 'PrepaidToppedUp':
      case 'PrepaidDebited':
      case 'PrepaidCredited':
      case 'PrepaidAdjustmentApproved': {
        const d = event.data;
        const at =
          event.type === 'PrepaidToppedUp'
            ? event.data.recordedAt
            : event.type === 'PrepaidDebited'
              ? event.data.debitedAt
              : event.type === 'PrepaidCredited'
                ? event.data.creditedAt
                : event.data.approvedAt;
        sql(db)`INSERT INTO ${c} (id, prepaid_balance_cents, prepaid_updated_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET prepaid_balance_cents = excluded.prepaid_balance_cents,
             prepaid_updated_at = excluded.prepaid_updated_at`.run(d.customerId, d.balanceAfterCents, isoTime(at));
        break;
      }
    }
  },
};
