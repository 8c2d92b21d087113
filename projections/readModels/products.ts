// Read model `products`: the catalogue of coupon products and timestamp packs, with the current
// price excluding VAT, the VAT rate, the price including VAT (VAT rounded half up, as on a line of
// quantity 1) and whether it was withdrawn. Search terms: code and description.
import type { ProductEvent } from '../../domain/catalogue/events';
import { vatOf } from '../../domain/shared/money';
import { sql, statement, type Projection } from '../projection';
import { addTerms, createTermsTable, flag, isoTime, normaliseText } from './shared';

export const productsProjection: Projection<ProductEvent> = {
  name: 'products',
  version: 1,
  tables: ['products', 'products_terms'],
  handles: ['ProductAdded', 'ProductPriceChanged', 'ProductWithdrawn'],
  setup(db, t) {
    const p = t('products');
    db.exec(`CREATE TABLE ${p} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL,
      sort_description TEXT NOT NULL,
      kind TEXT NOT NULL,
      renews TEXT NOT NULL,
      professional_role TEXT,
      timestamp_pack_size INTEGER,
      price_cents INTEGER NOT NULL,
      vat_rate_bp INTEGER NOT NULL,
      price_with_vat_cents INTEGER NOT NULL,
      withdrawn INTEGER NOT NULL DEFAULT 0,
      withdrawn_at TEXT,
      withdraw_reason TEXT,
      added_at TEXT NOT NULL,
      price_changed_at TEXT
    )`);
    db.exec(`CREATE INDEX ${p}_by_description ON ${p} (sort_description)`);
    db.exec(`CREATE INDEX ${p}_by_price ON ${p} (price_cents)`);
    db.exec(`CREATE INDEX ${p}_by_kind ON ${p} (kind, renews)`);
    db.exec(`CREATE INDEX ${p}_by_renews ON ${p} (renews)`);
    db.exec(`CREATE INDEX ${p}_by_withdrawn ON ${p} (withdrawn, id)`);
    db.exec(`CREATE INDEX ${p}_by_added ON ${p} (added_at)`);
    createTermsTable(db, t('products_terms'));
  },
  apply(db, event, t) {
    const p = t('products');
    switch (event.type) {
      case 'ProductAdded': {
        const d = event.data;
        const { lastInsertRowid } = sql(db)`INSERT INTO ${p} (id, description, sort_description, kind, renews, professional_role, timestamp_pack_size, price_cents,
             vat_rate_bp, price_with_vat_cents, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
          d.code,
          d.description,
          normaliseText(d.description),
          d.kind,
          d.renews,
          d.professionalRole,
          d.timestampPackSize,
          d.priceCents,
          d.vatRateBp,
          d.priceCents + vatOf(d.priceCents, d.vatRateBp),
          isoTime(d.addedAt),
        );
        addTerms(db, t('products_terms'), lastInsertRowid, d.code, d.description, d.professionalRole);
        break;
      }
      case 'ProductPriceChanged': {
        const d = event.data;
        statement(
          db,
          // Integer arithmetic (better-sqlite3 binds numbers as REAL): VAT rounded half up, as vatOf.
          `UPDATE ${p} SET price_cents = @price, price_with_vat_cents = CAST(@price AS INTEGER) + ((CAST(@price AS INTEGER) * vat_rate_bp + 5000) / 10000),
             price_changed_at = @at WHERE id = @code`,
        ).run({ price: d.newPriceCents, at: isoTime(d.effectiveAt), code: d.code });
        break;
      }
      case 'ProductWithdrawn': {
        const d = event.data;
        sql(db)`UPDATE ${p} SET withdrawn = ?, withdrawn_at = ?, withdraw_reason = ? WHERE id = ?`.run(
          flag(true),
          isoTime(d.withdrawnAt),
          d.reason,
          d.code,
        );
        break;
      }
    }
  },
};
