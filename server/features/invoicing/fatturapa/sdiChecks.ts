// The checks the Exchange System (SdI) makes beyond the schema, those that can fail for what this
// back office issues, run on the XML itself (what is served is what is checked). Each problem
// names the SdI's error code of the rule (Specifiche tecniche FatturaPA, "controlli sul file").
// Amounts are compared in integer cents.
import { create } from 'xmlbuilder2';
import { checkCodiceFiscale } from '../../../../domain/shared/codiceFiscale';
import { checkPartitaIva } from '../../../../domain/shared/partitaIva';

export interface SdiProblem {
  /** The SdI error code of the rule, e.g. '00422'; in words for this back office's own checks (check_character, document_total). */
  code: string;
  message: string;
}

type El = {
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number }>;
  getElementsByTagName(name: string): ArrayLike<El>;
};

const all = (el: El, name: string): El[] => Array.from(el.getElementsByTagName(name));
const children = (el: El, name: string): El[] => (Array.from(el.childNodes) as unknown as El[]).filter((c) => c.nodeName === name);
const child = (el: El, name: string): El | undefined => children(el, name)[0];
const text = (el: El | undefined): string | undefined => el?.textContent?.trim();

/** "12.34" → 1234; an amount with more decimals is rounded to the cent. */
const cents = (value: string | undefined): number => Math.round(Number(value ?? 'NaN') * 100);

/**
 * Problems with a FatturaPA file that already passed the schema; empty when none. `today` is the
 * Rome calendar day of the check (YYYY-MM-DD): a document dated later is refused (00403).
 */
export function sdiProblems(xml: string, today: string): SdiProblem[] {
  const problems: SdiProblem[] = [];
  const add = (code: string, message: string) => problems.push({ code, message });
  const root = (create(xml).node as unknown as { documentElement: El }).documentElement;

  // Identifiers: the check characters of every Italian partita IVA and codice fiscale (the SdI checks
  // them against its registry; a wrong check character is the mistake that can be caught here).
  for (const id of all(root, 'IdFiscaleIVA')) {
    const country = text(child(id, 'IdPaese'));
    const code = text(child(id, 'IdCodice')) ?? '';
    if (country === 'IT' && /^\d{11}$/.test(code)) {
      const r = checkPartitaIva(code);
      if (!r.ok) add('check_character', `IdFiscaleIVA IT${code}: ${r.message}`);
    }
  }
  for (const cf of all(root, 'CodiceFiscale')) {
    const code = text(cf) ?? '';
    const r = checkCodiceFiscale(code, { allowNumeric: true });
    if (!r.ok) add('check_character', `CodiceFiscale ${code}: ${r.message}`);
  }
  const buyer = all(root, 'CessionarioCommittente')[0];
  if (buyer && all(buyer, 'IdFiscaleIVA').length === 0 && all(buyer, 'CodiceFiscale').length === 0) {
    add('00417', 'CessionarioCommittente needs an IdFiscaleIVA or a CodiceFiscale');
  }

  // The recipient: a PEC address only with the code 0000000 (00426).
  const codiceDestinatario = text(all(root, 'CodiceDestinatario')[0]);
  if (all(root, 'PECDestinatario').length > 0 && codiceDestinatario !== '0000000') {
    add('00426', `PECDestinatario is given only with CodiceDestinatario 0000000, not ${codiceDestinatario}`);
  }

  for (const body of all(root, 'FatturaElettronicaBody')) {
    const general = all(body, 'DatiGeneraliDocumento')[0];
    const date = text(general && child(general, 'Data')) ?? '';
    if (date > today) add('00403', `Data ${date} is after today (${today})`);
    for (const linked of all(body, 'DatiFattureCollegate')) {
      const linkedDate = text(child(linked, 'Data'));
      if (linkedDate && linkedDate > date) add('00418', `DatiFattureCollegate Data ${linkedDate} is after the document's Data ${date}`);
    }

    // Lines: PrezzoTotale = Quantita × PrezzoUnitario (00423); a rate of 0 needs its Natura (00400).
    const perRate = new Map<string, { taxable: number; lines: number }>();
    for (const line of all(body, 'DettaglioLinee')) {
      const n = text(child(line, 'NumeroLinea'));
      const quantity = Number(text(child(line, 'Quantita')) ?? '1');
      const unit = cents(text(child(line, 'PrezzoUnitario')));
      const total = cents(text(child(line, 'PrezzoTotale')));
      if (Math.abs(Math.round(quantity * unit) - total) > 1) {
        add('00423', `line ${n}: PrezzoTotale ${text(child(line, 'PrezzoTotale'))} is not Quantita × PrezzoUnitario`);
      }
      const rate = text(child(line, 'AliquotaIVA')) ?? '';
      if (Number(rate) === 0 && !child(line, 'Natura')) add('00400', `line ${n}: AliquotaIVA 0 needs a Natura`);
      const acc = perRate.get(rate) ?? { taxable: 0, lines: 0 };
      acc.taxable += total;
      acc.lines += 1;
      perRate.set(rate, acc);
    }

    // Summary per rate: one for every rate of the lines (00419), ImponibileImporto the sum of
    // those lines (00422), Imposta = ImponibileImporto × AliquotaIVA (00421). VAT is rounded per
    // line, so the summary's Imposta may differ from the rate applied to the sum by half a cent
    // per line at most; more than that (and the SdI's own limit is 1 euro) is an error.
    let documentTotal = 0;
    const summarised = new Set<string>();
    for (const summary of all(body, 'DatiRiepilogo')) {
      const rate = text(child(summary, 'AliquotaIVA')) ?? '';
      summarised.add(rate);
      const taxable = cents(text(child(summary, 'ImponibileImporto')));
      const vat = cents(text(child(summary, 'Imposta')));
      documentTotal += taxable + vat;
      const lines = perRate.get(rate);
      if (!lines) {
        add('00419', `DatiRiepilogo for AliquotaIVA ${rate} has no line at that rate`);
        continue;
      }
      if (lines.taxable !== taxable) {
        add('00422', `AliquotaIVA ${rate}: ImponibileImporto ${text(child(summary, 'ImponibileImporto'))} differs from the sum of its lines (${(lines.taxable / 100).toFixed(2)})`);
      }
      const expectedVat = Math.round((taxable * Math.round(Number(rate) * 100)) / 10_000);
      const tolerance = Math.min(100, Math.ceil(lines.lines / 2));
      if (Math.abs(expectedVat - vat) > tolerance) {
        add('00421', `AliquotaIVA ${rate}: Imposta ${text(child(summary, 'Imposta'))} is not ImponibileImporto × ${rate}% (${(expectedVat / 100).toFixed(2)})`);
      }
    }
    for (const rate of perRate.keys()) {
      if (!summarised.has(rate)) add('00419', `lines at AliquotaIVA ${rate} have no DatiRiepilogo`);
    }

    // The document's total: taxable plus VAT of the summary; the payment, that total.
    const declared = text(general && child(general, 'ImportoTotaleDocumento'));
    if (declared !== undefined && cents(declared) !== documentTotal) {
      add('document_total', `ImportoTotaleDocumento ${declared} is not the summary's ImponibileImporto + Imposta (${(documentTotal / 100).toFixed(2)})`);
    }
    for (const payment of all(body, 'ImportoPagamento')) {
      if (cents(text(payment)) !== documentTotal) {
        add('document_total', `ImportoPagamento ${text(payment)} is not the document's total (${(documentTotal / 100).toFixed(2)})`);
      }
    }
  }
  return problems;
}
