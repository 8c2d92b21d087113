// A FatturaPA document (v1.2.2, format FPR12: to private parties) as plain data, and its XML built
// as a tree by xmlbuilder2 (escaping and namespaces are the library's). Element order follows the
// schema's sequences (./schema/Schema_VFPR12_v1.2.2.xsd); amounts come from integer cents with two
// decimals. Nothing here decides what goes in: see document.ts.
import { create } from 'xmlbuilder2';
import type { Address } from '../../../../domain/invoicing/events';

export const FATTURAPA_NAMESPACE = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2';
const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

/** The codes this back office uses (the schema has many more). */
export type TipoDocumento = 'TD01' | 'TD04';
/** MP01 contanti, MP02 assegno, MP05 bonifico, MP08 carta di pagamento, MP18 bollettino postale, MP22 trattenuta su somme già riscosse. */
export type ModalitaPagamento = 'MP01' | 'MP02' | 'MP05' | 'MP08' | 'MP18' | 'MP22';

export type PartyName = { denominazione: string } | { nome: string; cognome: string };

export interface FatturaPaDocument {
  tipoDocumento: TipoDocumento;
  progressivoInvio: string;
  transmitter: { idCodice: string };
  recipient: { codiceDestinatario: string; pecDestinatario: string | null };
  seller: { partitaIva: string; codiceFiscale: string | null; name: string; regimeFiscale: string; address: Address; email: string | null };
  buyer: { partitaIva: string | null; codiceFiscale: string | null; name: PartyName; address: Address };
  /** YYYY-MM-DD, the issue day. */
  date: string;
  /** As printed: "42/2026". */
  number: string;
  totalCents: number;
  /** The invoice a credit note corrects. */
  linkedInvoice: { number: string; date: string } | null;
  /** PrezzoTotale is the line's taxable (quantity × unit price), without VAT. */
  lines: { description: string; quantity: number; unitPriceCents: number; taxableCents: number; vatRateBp: number }[];
  vatSummary: { rateBp: number; taxableCents: number; vatCents: number }[];
  payment: { modalita: ModalitaPagamento; amountCents: number; codicePagamento: string | null } | null;
}

/** 1234 → "12.34". */
export const amountOf = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};
/** 2200 basis points → "22.00". */
export const rateOf = (bp: number): string => amountOf(bp);

/**
 * Text in the schema's Latin types: Basic Latin and Latin-1 only, one line, at most `max`
 * characters. The euro sign becomes EUR; other letters lose their accents; anything else is '?'.
 */
export function latinText(text: string, max: number): string {
  const out = [...text.replace(/€/g, 'EUR').replace(/[\r\n\t]+/g, ' ')]
    .map((ch) => {
      if (ch.codePointAt(0)! <= 0xff) return ch;
      const bare = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      return [...bare].every((c) => c.codePointAt(0)! <= 0xff) && bare.length > 0 ? bare : '?';
    })
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
  return [...out].slice(0, max).join('');
}

function sede(a: Address) {
  const italian = a.country === 'IT';
  return {
    Indirizzo: latinText(a.street, 60),
    CAP: italian ? a.postalCode : '00000',
    Comune: latinText(a.city, 60),
    ...(a.province && a.province !== 'EE' ? { Provincia: a.province } : !italian ? { Provincia: 'EE' } : {}),
    Nazione: a.country,
  };
}

const anagrafica = (name: PartyName) =>
  'denominazione' in name ? { Denominazione: latinText(name.denominazione, 80) } : { Nome: latinText(name.nome, 60), Cognome: latinText(name.cognome, 60) };

/** The XML, UTF-8, with its declaration. */
export function fatturaPaXml(doc: FatturaPaDocument): string {
  const tree = {
    'p:FatturaElettronica': {
      '@versione': 'FPR12',
      '@xmlns:p': FATTURAPA_NAMESPACE,
      '@xmlns:ds': XMLDSIG_NAMESPACE,
      FatturaElettronicaHeader: {
        DatiTrasmissione: {
          IdTrasmittente: { IdPaese: 'IT', IdCodice: doc.transmitter.idCodice },
          ProgressivoInvio: doc.progressivoInvio,
          FormatoTrasmissione: 'FPR12',
          CodiceDestinatario: doc.recipient.codiceDestinatario,
          ...(doc.recipient.pecDestinatario ? { PECDestinatario: doc.recipient.pecDestinatario } : {}),
        },
        CedentePrestatore: {
          DatiAnagrafici: {
            IdFiscaleIVA: { IdPaese: 'IT', IdCodice: doc.seller.partitaIva },
            ...(doc.seller.codiceFiscale ? { CodiceFiscale: doc.seller.codiceFiscale } : {}),
            Anagrafica: anagrafica({ denominazione: doc.seller.name }),
            RegimeFiscale: doc.seller.regimeFiscale,
          },
          Sede: sede(doc.seller.address),
          ...(doc.seller.email ? { Contatti: { Email: doc.seller.email } } : {}),
        },
        CessionarioCommittente: {
          DatiAnagrafici: {
            ...(doc.buyer.partitaIva ? { IdFiscaleIVA: { IdPaese: 'IT', IdCodice: doc.buyer.partitaIva } } : {}),
            ...(doc.buyer.codiceFiscale ? { CodiceFiscale: doc.buyer.codiceFiscale } : {}),
            Anagrafica: anagrafica(doc.buyer.name),
          },
          Sede: sede(doc.buyer.address),
        },
      },
      FatturaElettronicaBody: {
        DatiGenerali: {
          DatiGeneraliDocumento: {
            TipoDocumento: doc.tipoDocumento,
            Divisa: 'EUR',
            Data: doc.date,
            Numero: doc.number,
            ImportoTotaleDocumento: amountOf(doc.totalCents),
          },
          ...(doc.linkedInvoice ? { DatiFattureCollegate: { IdDocumento: doc.linkedInvoice.number, Data: doc.linkedInvoice.date } } : {}),
        },
        DatiBeniServizi: {
          DettaglioLinee: doc.lines.map((l, i) => ({
            NumeroLinea: String(i + 1),
            Descrizione: latinText(l.description, 1000),
            Quantita: amountOf(l.quantity * 100),
            PrezzoUnitario: amountOf(l.unitPriceCents),
            PrezzoTotale: amountOf(l.taxableCents),
            AliquotaIVA: rateOf(l.vatRateBp),
          })),
          DatiRiepilogo: doc.vatSummary.map((v) => ({
            AliquotaIVA: rateOf(v.rateBp),
            ImponibileImporto: amountOf(v.taxableCents),
            Imposta: amountOf(v.vatCents),
            EsigibilitaIVA: 'I',
          })),
        },
        ...(doc.payment
          ? {
              DatiPagamento: {
                CondizioniPagamento: 'TP02',
                DettaglioPagamento: {
                  ModalitaPagamento: doc.payment.modalita,
                  ImportoPagamento: amountOf(doc.payment.amountCents),
                  ...(doc.payment.codicePagamento ? { CodicePagamento: doc.payment.codicePagamento } : {}),
                },
              },
            }
          : {}),
      },
    },
  };
  return create({ version: '1.0', encoding: 'UTF-8' }, tree).end({ prettyPrint: true });
}
