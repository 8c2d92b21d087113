// Reading the SdI's receipts (the "MessaggiTypes" v1.1 schema, namespace
// http://www.fatturapa.gov.it/sdi/messaggi/v1.0) that a sender of private-party invoices gets:
// RicevutaConsegna (RC), NotificaScarto (NS, with ListaErrori/Errore), NotificaMancataConsegna
// (MC). The XML is read by a real parser (fast-xml-parser), never scanned by hand. Every other
// message of the schema (NotificaEsito, AttestazioneTrasmissioneFattura, the receiver's messages)
// and every other document is refused naming what it is, as is a file that is not XML.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { SdiError, SdiReceiptKind } from '../../../domain/sdi/events';
import { DomainError } from '../../../domain/shared/errors';
import { romeInstant } from '../../../domain/shared/romeCalendar';

export const SDI_MESSAGES_NAMESPACE = 'http://www.fatturapa.gov.it/sdi/messaggi/v1.0';

const kindOfRoot: Record<string, SdiReceiptKind> = { RicevutaConsegna: 'RC', NotificaScarto: 'NS', NotificaMancataConsegna: 'MC' };
/** The schema's other messages: named in the refusal, so the accountant knows what they uploaded. */
const otherMessages = ['NotificaEsito', 'AttestazioneTrasmissioneFattura', 'MetadatiInvioFile', 'NotificaEsitoCommittente', 'ScartoEsitoCommittente', 'NotificaDecorrenzaTermini'];

export interface ParsedReceipt {
  receipt: SdiReceiptKind;
  sdiIdentifier: string;
  messageId: string;
  fileName: string;
  /** UTC. */
  receivedAt: string;
  deliveredAt: string | null;
  errors: SdiError[];
  note: string | null;
}

const refuse = (code: string, message: string) => new DomainError(code, `file: ${message}`, 'invalid', 'file');

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Elements by their local name; the namespace is read from the root's xmlns attributes.
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
  isArray: (name) => name === 'Errore',
  // The receipt's signature is not read: it is kept with the file's hash only.
  stopNodes: ['*.Signature'],
});

const asNode = (value: unknown): Node | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined);
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  const node = asNode(value);
  if (node && typeof node['#text'] === 'string') return textOf(node['#text']);
  return null;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An xs:dateTime of the SdI as UTC. With an offset (`…+01:00`, `Z`) it is exact; without one it is
 * the Italian wall clock, as the SdI writes it.
 */
export function sdiInstant(text: string, field: string): string {
  const m = DATE_TIME.exec(text);
  if (!m) throw refuse('sdi_receipt_invalid', `${field} '${text}' is not a date-time (YYYY-MM-DDThh:mm:ss)`);
  const [, day, hh, mm, ss, fraction = '', zone] = m;
  const ms = Math.round(Number(`0${fraction || '.0'}`) * 1000);
  const at = zone ? Date.parse(`${day}T${hh}:${mm}:${ss}${zone}`) : Date.parse(romeInstant(day!, `${hh}:${mm}`)) + Number(ss) * 1000;
  if (Number.isNaN(at)) throw refuse('sdi_receipt_invalid', `${field} '${text}' is not a valid date-time`);
  return new Date(at + ms).toISOString();
}

/** Parses an SdI receipt; refuses (400, naming the rule) anything that is not an RC, NS or MC. */
export function parseSdiReceipt(xml: string): ParsedReceipt {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw refuse('sdi_receipt_empty', 'the file is empty');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw refuse('sdi_receipt_not_xml', `not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})`);
  // A receipt never declares a DTD; one could only serve to expand entities.
  if (/<!DOCTYPE/i.test(text)) throw refuse('sdi_receipt_doctype', 'a document type declaration (<!DOCTYPE) is not allowed in an SdI receipt');
  const doc = asNode(parser.parse(text)) ?? {};
  const rootName = Object.keys(doc).find((k) => k !== '?xml' && !k.startsWith('#'));
  const root = rootName === undefined ? undefined : asNode(doc[rootName]);
  if (rootName === undefined || !root) throw refuse('sdi_receipt_not_receipt', 'no root element');
  const namespaces = Object.entries(root)
    .filter(([key]) => key === '@xmlns' || key.startsWith('@xmlns:'))
    .map(([, value]) => String(value).trim());
  if (!namespaces.includes(SDI_MESSAGES_NAMESPACE)) {
    throw refuse('sdi_receipt_namespace', `not an SdI receipt: the namespace must be ${SDI_MESSAGES_NAMESPACE} (got ${namespaces.join(', ') || 'none'} on ${rootName})`);
  }
  const receipt = kindOfRoot[rootName];
  if (!receipt) {
    const what = otherMessages.includes(rootName) ? `an SdI ${rootName}` : `a ${rootName}`;
    throw refuse('sdi_receipt_kind', `${what} is not a receipt recorded here: only RicevutaConsegna (RC), NotificaScarto (NS) and NotificaMancataConsegna (MC)`);
  }
  const required = (name: string, max: number): string => {
    const value = textOf(root[name]);
    if (value === null) throw refuse('sdi_receipt_invalid', `${rootName} without ${name}`);
    if (value.length > max) throw refuse('sdi_receipt_invalid', `${name} longer than ${max} characters`);
    return value;
  };
  const sdiIdentifier = required('IdentificativoSdI', 12);
  if (!/^\d{1,12}$/.test(sdiIdentifier)) throw refuse('sdi_receipt_invalid', `IdentificativoSdI '${sdiIdentifier}' is not a number of at most 12 digits`);
  const errors: SdiError[] = [];
  if (receipt === 'NS') {
    const list = asNode(root.ListaErrori);
    const items = Array.isArray(list?.Errore) ? list.Errore : [];
    for (const [i, item] of items.entries()) {
      const code = textOf(asNode(item)?.Codice);
      if (code === null) throw refuse('sdi_receipt_invalid', `ListaErrori/Errore ${i + 1} without Codice`);
      errors.push({ code, description: textOf(asNode(item)?.Descrizione) ?? '', suggestion: textOf(asNode(item)?.Suggerimento) });
    }
    if (errors.length === 0) throw refuse('sdi_receipt_invalid', 'a NotificaScarto without ListaErrori/Errore');
  }
  const note = [receipt === 'MC' ? textOf(root.Descrizione) : null, textOf(root.Note)].filter((t) => t !== null).join(' — ');
  return {
    receipt,
    sdiIdentifier,
    messageId: required('MessageId', 14),
    fileName: required('NomeFile', 50),
    receivedAt: sdiInstant(required('DataOraRicezione', 40), 'DataOraRicezione'),
    deliveredAt: receipt === 'RC' ? sdiInstant(required('DataOraConsegna', 40), 'DataOraConsegna') : null,
    errors,
    note: note === '' ? null : note,
  };
}
