// Reading the bank's statement: ISO 20022 camt.053 (end-of-day statement, BkToCstmrStmt) and
// camt.054 (debit/credit notification, BkToCstmrDbtCdtNtfctn), as Italian banks deliver them
// through CBI. The XML is read by a real parser (fast-xml-parser), never scanned by hand; what
// comes out is one line per transaction: an entry (Ntry) with its transaction details
// (NtryDtls/TxDtls) gives one line per TxDtls, an entry without details gives one line.
//
// A whole file is refused (a DomainError, 400, naming the rule) when it is not XML, not a
// camt.053/camt.054 document (by its namespace), has no entries, or moves money in another
// currency than EUR. A debit line is not an error of the file: it comes out marked as a debit, and
// the import skips and reports it (see import.ts for the file of nothing but debits).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DomainError } from '../../../domain/shared/errors';
import { findRfReferenceIn } from '../../../domain/shared/rfReference';

/** camt.053.001.02 (what CBI delivers today) up to the versions of the 2019+ ISO releases. */
const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.(053|054)\.001\.(\d{2})$/;

export type CamtKind = 'camt.053' | 'camt.054';

export interface StatementLine {
  /** 1-based, in the order of the file: entries, then their transactions. */
  line: number;
  statementId: string;
  direction: 'credit' | 'debit';
  amountCents: number;
  currency: string;
  /** YYYY-MM-DD. */
  bookingDate: string | null;
  /** YYYY-MM-DD. */
  valueDate: string | null;
  /** Booked (BOOK); a pending notification line is not money received yet. */
  booked: boolean;
  /** AcctSvcrRef of the transaction, else of the entry; null when the bank gave none. */
  bankReference: string | null;
  endToEndId: string | null;
  debtorName: string | null;
  debtorIban: string | null;
  /** RmtInf/Strd/CdtrRefInf/Ref, as written. */
  structuredReferences: string[];
  /** RmtInf/Ustrd, as written. */
  unstructured: string[];
  /** The RF reference found in the remittance information (check digits verified), normalised. */
  rfReference: string | null;
}

export interface ParsedStatement {
  kind: CamtKind;
  /** The namespace's version, e.g. `001.02`. */
  version: string;
  messageId: string | null;
  /** The ids of the statements (camt.053) or notifications (camt.054) in the file. */
  statementIds: string[];
  accountIbans: string[];
  lines: StatementLine[];
}

const refuse = (code: string, message: string) => new DomainError(code, `file: ${message}`, 'invalid', 'file');

type Node = Record<string, unknown>;

const arrays = new Set(['Stmt', 'Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Keep every value as written: amounts, references with leading zeros.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Elements by their local name (the namespace is read from the root's xmlns attributes).
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
  isArray: (name) => arrays.has(name),
});

const asNode = (value: unknown): Node | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
/** The text of an element, whether it has attributes or not. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  const node = asNode(value);
  if (node && typeof node['#text'] === 'string') return textOf(node['#text']);
  return null;
}
const at = (node: unknown, ...path: string[]): unknown => path.reduce<unknown>((n, key) => asNode(n)?.[key], node);

/** `1234.5` → 123450; refuses anything that is not a non-negative decimal of at most 2 places. */
function centsOf(text: string | null, where: string): number {
  if (text === null || !/^\d{1,13}(\.\d{1,2})?$/.test(text)) throw refuse('statement_amount_invalid', `${where}: the amount '${text ?? ''}' is not a decimal amount of at most 2 decimals`);
  const [units, decimals = ''] = text.split('.');
  return Number(units) * 100 + Number(decimals.padEnd(2, '0'));
}

/** BookgDt / ValDt hold Dt (a date) or DtTm (a date-time); the date part either way. */
function dateOf(node: unknown): string | null {
  const text = textOf(at(node, 'Dt')) ?? textOf(at(node, 'DtTm'));
  return text && /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}

/** The amount of a node: `Amt` (v04+) or `AmtDtls/TxAmt/Amt` (v02) with its currency. */
function amountOf(node: unknown): { text: string | null; currency: string | null } | null {
  const amt = at(node, 'Amt') ?? at(node, 'AmtDtls', 'TxAmt', 'Amt') ?? at(node, 'AmtDtls', 'InstdAmt', 'Amt');
  if (amt === undefined) return null;
  const currency = asNode(amt)?.['@Ccy'];
  return { text: textOf(amt), currency: typeof currency === 'string' ? currency.trim().toUpperCase() : null };
}

/** Dbtr/Nm (up to v07) or Dbtr/Pty/Nm (v08+); UltmtDbtr when the debtor has no name. */
function debtorNameOf(parties: unknown): string | null {
  for (const who of ['Dbtr', 'UltmtDbtr']) {
    const name = textOf(at(parties, who, 'Nm')) ?? textOf(at(parties, who, 'Pty', 'Nm'));
    if (name) return name;
  }
  return null;
}

function direction(text: string | null, where: string): 'credit' | 'debit' {
  if (text === 'CRDT') return 'credit';
  if (text === 'DBIT') return 'debit';
  throw refuse('statement_line_invalid', `${where}: CdtDbtInd must be CRDT or DBIT (got '${text ?? ''}')`);
}

/** Parses a camt.053 or camt.054 file; refuses a file that is not one (see the top of this file). */
export function parseCamt(xml: string): ParsedStatement {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw refuse('statement_empty', 'the file is empty');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw refuse('statement_not_xml', `not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})`);
  }
  // A bank statement never declares a DTD; one could only serve to expand entities.
  if (/<!DOCTYPE/i.test(text)) throw refuse('statement_doctype', 'a document type declaration (<!DOCTYPE) is not allowed in a bank statement');
  const doc = asNode(parser.parse(text));
  const root = asNode(doc?.Document);
  if (!root) throw refuse('statement_not_camt', 'not an ISO 20022 document: the root element must be Document');
  const namespaces = Object.entries(root)
    .filter(([key]) => key === '@xmlns' || key.startsWith('@xmlns:'))
    .map(([, value]) => String(value).trim());
  const match = namespaces.map((ns) => NAMESPACE.exec(ns)).find((m) => m !== null);
  if (!match) {
    throw refuse(
      'statement_namespace',
      `not a bank statement: the namespace must be urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN or camt.054.001.NN (got ${namespaces.join(', ') || 'none'})`,
    );
  }
  const kind: CamtKind = match[1] === '053' ? 'camt.053' : 'camt.054';
  const message = asNode(kind === 'camt.053' ? root.BkToCstmrStmt : root.BkToCstmrDbtCdtNtfctn);
  if (!message) throw refuse('statement_not_camt', `a ${kind} document must hold ${kind === 'camt.053' ? 'BkToCstmrStmt' : 'BkToCstmrDbtCdtNtfctn'}`);
  const statements = listOf(kind === 'camt.053' ? message.Stmt : message.Ntfctn);

  const lines: StatementLine[] = [];
  const statementIds: string[] = [];
  const accountIbans: string[] = [];
  for (const [s, statement] of statements.entries()) {
    const statementId = textOf(at(statement, 'Id')) ?? `#${s + 1}`;
    statementIds.push(statementId);
    const iban = textOf(at(statement, 'Acct', 'Id', 'IBAN'));
    if (iban) accountIbans.push(iban);
    const accountCurrency = textOf(at(statement, 'Acct', 'Ccy'));
    if (accountCurrency !== null && accountCurrency.toUpperCase() !== 'EUR') {
      throw refuse('statement_currency', `statement ${statementId}: the account is in ${accountCurrency}; only EUR accounts are imported`);
    }
    for (const [e, entry] of listOf(at(statement, 'Ntry')).entries()) {
      const where = `statement ${statementId}, entry ${e + 1}`;
      const entryAmount = amountOf(entry);
      const entryCurrency = entryAmount?.currency ?? null;
      if (entryCurrency !== 'EUR') throw refuse('statement_currency', `${where}: the amount is in ${entryCurrency ?? 'no currency'}; only EUR is imported`);
      const entryDirection = direction(textOf(at(entry, 'CdtDbtInd')), where);
      // v02: <Sts>BOOK</Sts>; v08+: <Sts><Cd>BOOK</Cd></Sts>.
      const status = textOf(at(entry, 'Sts')) ?? textOf(at(entry, 'Sts', 'Cd'));
      const common = {
        statementId,
        bookingDate: dateOf(at(entry, 'BookgDt')),
        valueDate: dateOf(at(entry, 'ValDt')),
        booked: status === null || status === 'BOOK',
      };
      const entryReference = textOf(at(entry, 'AcctSvcrRef'));
      const details = listOf(at(entry, 'NtryDtls')).flatMap((d) => listOf(at(d, 'TxDtls')));
      if (details.length === 0) {
        lines.push({
          line: lines.length + 1,
          ...common,
          direction: entryDirection,
          amountCents: centsOf(entryAmount?.text ?? null, where),
          currency: 'EUR',
          bankReference: entryReference,
          endToEndId: null,
          debtorName: null,
          debtorIban: null,
          structuredReferences: [],
          unstructured: [],
          rfReference: null,
        });
        continue;
      }
      for (const [t, tx] of details.entries()) {
        const txWhere = `${where}, transaction ${t + 1}`;
        const txAmount = amountOf(tx);
        if (txAmount && txAmount.currency !== null && txAmount.currency !== 'EUR') {
          throw refuse('statement_currency', `${txWhere}: the amount is in ${txAmount.currency}; only EUR is imported`);
        }
        // A single transaction may leave its amount to the entry; a batch's each have their own.
        const amountText = txAmount?.text ?? (details.length === 1 ? (entryAmount?.text ?? null) : null);
        const txIndicator = textOf(at(tx, 'CdtDbtInd'));
        const txReference = textOf(at(tx, 'Refs', 'AcctSvcrRef'));
        // Transactions of a batch without references of their own: the entry's, numbered, so that
        // the same line read again gives the same reference.
        const bankReference = txReference ?? (entryReference === null ? null : details.length === 1 ? entryReference : `${entryReference}/${t + 1}`);
        const structuredReferences = listOf(at(tx, 'RmtInf', 'Strd'))
          .map((strd) => textOf(at(strd, 'CdtrRefInf', 'Ref')))
          .filter((r): r is string => r !== null);
        const unstructured = listOf(at(tx, 'RmtInf', 'Ustrd'))
          .map(textOf)
          .filter((u): u is string => u !== null);
        const found = findRfReferenceIn([...structuredReferences, ...unstructured].join(' '));
        const parties = at(tx, 'RltdPties');
        lines.push({
          line: lines.length + 1,
          ...common,
          direction: txIndicator === null ? entryDirection : direction(txIndicator, txWhere),
          amountCents: centsOf(amountText, txWhere),
          currency: 'EUR',
          bankReference,
          endToEndId: textOf(at(tx, 'Refs', 'EndToEndId')),
          debtorName: debtorNameOf(parties),
          debtorIban: textOf(at(parties, 'DbtrAcct', 'Id', 'IBAN')),
          structuredReferences,
          unstructured,
          rfReference: found.ok ? found.value : null,
        });
      }
    }
  }
  if (lines.length === 0) throw refuse('statement_no_entries', `the ${kind} file has no entries (Ntry): nothing to import`);
  return {
    kind,
    version: `001.${match[2]}`,
    messageId: textOf(at(message, 'GrpHdr', 'MsgId')),
    statementIds,
    accountIbans,
    lines,
  };
}

/**
 * The payment reason recorded for a line: the structured reference first, then the free text, so
 * that the payment matching (domain/payments/decider.ts) reads the RF reference as it does a typed
 * reason.
 */
export function paymentReasonOf(line: StatementLine): string {
  return [...line.structuredReferences, ...line.unstructured].join(' ').slice(0, 500);
}
