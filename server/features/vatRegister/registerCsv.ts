// The VAT register as CSV (server/features/exports/csv.ts for the dialects): one record per
// document with a taxable and a VAT column for each rate of the period, then, after an empty
// record, the period's summary per rate and the totals, in the same columns (every record has the
// same number of fields, as RFC 4180 asks). Headers in Italian for the `it` dialect.
import { csvRecord, day, dialectOf, euros, percent, textCell, type CsvLocale } from '../exports/csv';
import type { VatRegister } from './register';

export function vatRegisterCsv(register: VatRegister, locale: CsvLocale): string {
  const d = dialectOf(locale);
  const it = locale === 'it';
  const rates = register.summary.map((r) => r.rateBp);
  const header = [
    it ? 'Data' : 'date',
    it ? 'Numero' : 'number',
    it ? 'Tipo' : 'kind',
    it ? 'Cliente' : 'buyer',
    it ? 'Codice fiscale' : 'codiceFiscale',
    it ? 'Partita IVA' : 'partitaIva',
    it ? 'Rettifica fattura' : 'correctsInvoice',
    ...rates.flatMap((rate) => (it ? [`Imponibile ${percent(rate, d)}%`, `IVA ${percent(rate, d)}%`] : [`taxable${percent(rate, d)}`, `vat${percent(rate, d)}`])),
    it ? 'Imponibile' : 'taxable',
    it ? 'IVA' : 'vat',
    it ? 'Totale' : 'total',
  ];
  const width = header.length;
  const pad = (values: string[]) => [...values, ...Array<string>(width - values.length).fill('')];
  const perRate = (amounts: { rateBp: number; taxableCents: number; vatCents: number }[]) =>
    rates.flatMap((rate) => {
      const found = amounts.find((a) => a.rateBp === rate);
      return found ? [euros(found.taxableCents, d), euros(found.vatCents, d)] : ['', ''];
    });
  let out = d.bom + csvRecord(header, d);
  for (const e of register.entries) {
    out += csvRecord(
      [
        day(e.issuedOn, d),
        e.displayNumber,
        e.kind === 'invoice' ? (it ? 'Fattura' : 'invoice') : it ? 'Nota di credito' : 'credit_note',
        textCell(e.buyerName),
        e.buyerCodiceFiscale ?? '',
        e.buyerPartitaIva ?? '',
        e.correctsInvoice ?? '',
        ...perRate(e.rates),
        euros(e.taxableCents, d),
        euros(e.vatCents, d),
        euros(e.totalCents, d),
      ],
      d,
    );
  }
  out += csvRecord(pad([]), d);
  const { net } = register.totals;
  out += csvRecord(
    [it ? `Riepilogo ${register.period.label}` : `summary ${register.period.label}`, '', '', '', '', '', '', ...perRate(register.summary), euros(net.taxableCents, d), euros(net.vatCents, d), euros(net.totalCents, d)],
    d,
  );
  return out;
}
