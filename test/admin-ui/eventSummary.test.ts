// Every event type reads in words, in Italian and in English: a label, and a one-line summary of
// sample data (valid by the domain's own schemas) with euro amounts, Rome times and names instead
// of ids. A new event type fails here until it has its label, its summary and a sample.
import polyglotI18nProvider from 'ra-i18n-polyglot';
import { describe, expect, it as test } from 'vitest';
import { eventTypes, type EventData, type EventType } from '../../domain/eventTypes';
import { productEventShapes } from '../../domain/catalogue/events';
import { couponCodeEventShapes, couponEventShapes } from '../../domain/coupons/events';
import { customerEventShapes } from '../../domain/customers/events';
import { deviceEventShapes, holderDeviceEventShapes } from '../../domain/devices/events';
import { emailEventShapes } from '../../domain/emails/events';
import { invoiceEventShapes } from '../../domain/invoicing/events';
import { orderEventShapes, rfReferenceEventShapes } from '../../domain/orders/events';
import { bankReferenceEventShapes, paymentEventShapes } from '../../domain/payments/events';
import { prepaidEventShapes } from '../../domain/prepaid/events';
import { staffEventShapes } from '../../domain/staff/events';
import { issuerPolicyEventShapes } from '../../domain/certificates/events';
import { caReportEventShapes, deviceRenewalClaimEventShapes, renewalEventShapes } from '../../domain/renewals/events';
import { replacementEventShapes } from '../../domain/replacements/events';
import { reminderEventShapes } from '../../domain/reminders/events';
import { bankStatementEventShapes } from '../../domain/bankStatements/events';
import { sdiEventShapes } from '../../domain/sdi/events';
import { logVerificationEventShapes } from '../../domain/logVerification/events';
import { operationsEventShapes } from '../../domain/operations/events';
import { idempotencyEventShapes } from '../../domain/idempotency/events';
import { describeEvent, eventLabel, eventSummary, summaryTools, type Translate } from '../../admin-ui/src/eventSummary';
import en from '../../admin-ui/src/i18n/en';
import it from '../../admin-ui/src/i18n/it';
import { eventLabels as labelsEn, eventSummaries as summariesEn } from '../../admin-ui/src/i18n/eventLabels-en';
import { eventLabels as labelsIt, eventSummaries as summariesIt } from '../../admin-ui/src/i18n/eventLabels-it';

const translator = (messages: typeof it, locale: string): Translate => polyglotI18nProvider(() => messages, locale).translate as Translate;
const translateIt = translator(it, 'it');
const translateEn = translator(en, 'en');
const staff: Record<string, string> = { 'u-anna': 'Anna Bianchi (a.bianchi)', 'u-marco': 'Marco Neri (m.neri)' };
const person = (translate: Translate) => (id: string) => (id === 'system' ? translate('app.audit.system') : (staff[id] ?? id));
const toolsIt = summaryTools(translateIt, person(translateIt));
const toolsEn = summaryTools(translateEn, person(translateEn));

const at = '2026-03-15T09:30:00.000Z'; // 10:30 in Rome (CET)
const summer = '2026-07-01T16:05:00.000Z'; // 18:05 in Rome (CEST)
const address = { street: 'Via Roma 1', postalCode: '20121', city: 'Milano', province: 'MI', country: 'IT' };
const seller = { name: 'Firme Srl', codiceFiscale: null, partitaIva: '01234567890', address };
const buyer = { name: 'Mario Rossi', codiceFiscale: 'RSSMRA80A01F205X', partitaIva: null, address };
const line = { productCode: 'SA', description: 'Sottoscrizione e autenticazione', renews: 'both' as const, quantity: 1, unitPriceCents: 2600, vatRateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 };
const vat = { vatSummary: [{ rateBp: 2200, taxableCents: 2600, vatCents: 572, totalCents: 3172 }], totals: { taxableCents: 2600, vatCents: 572, totalCents: 3172 } };
const sha = 'ab'.repeat(32);
const emailId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const code = '7QK2M9XH4TB6RJ3WC8PD';
const oversight = { reason: 'sales_role_for_admin' as const, requestedBy: 'u-marco', requestId: 'r1', approvedBy: 'u-anna', soleAdmin: false };

type Sample<T extends EventType> = { data: EventData<T>; it: string };
const samples: { [T in EventType]: Sample<T> } = {
  CustomerRegistered: {
    data: { customerId: 'c1', email: 'mario@example.it', billingAddress: address, registeredAt: at, kind: 'person', name: 'Mario', surname: 'Rossi', codiceFiscale: 'RSSMRA80A01F205X', registrationOfficer: false },
    it: 'Cliente registrato: Mario Rossi (RSSMRA80A01F205X), mario@example.it',
  },
  CustomerEmailChanged: { data: { customerId: 'c1', oldEmail: 'a@example.it', newEmail: 'b@example.it', changedAt: at }, it: "E-mail del cliente cambiata: da a@example.it a b@example.it" },
  CustomerSdiAddressChanged: { data: { customerId: 'c1', sdiCode: 'ABC1234', pecAddress: null, changedAt: at }, it: 'Recapito SdI del cliente cambiato: codice destinatario ABC1234, PEC nessuno' },
  CustomerTaxCodeClaimed: { data: { codiceFiscale: 'RSSMRA80A01F205X', customerId: 'c1', claimedAt: at }, it: 'Codice fiscale assegnato al cliente: RSSMRA80A01F205X' },
  CustomerVatNumberClaimed: { data: { partitaIva: '01234567890', customerId: 'c1', claimedAt: at }, it: 'Partita IVA assegnata al cliente: 01234567890' },
  PrepaidToppedUp: {
    data: { customerId: 'c1', topUpId: 't1', amountReceivedCents: 10000, feeCents: 177, creditedCents: 9823, feeRateBp: 180, method: 'bank_transfer', reference: 'CRO1', receivedOn: '2026-03-14', balanceAfterCents: 123456, recordedAt: at },
    it: 'Conto prepagato ricaricato: ricevuti 100,00 € (bonifico bancario), commissione 1,77 €, accreditati 98,23 €; saldo 1.234,56 €',
  },
  PrepaidDebited: { data: { customerId: 'c1', orderId: 'o1', amountCents: 3172, balanceAfterCents: 6651, debitedAt: at }, it: 'Addebito sul conto prepagato: 31,72 € per un ordine; saldo 66,51 €' },
  PrepaidCredited: {
    data: { customerId: 'c1', creditId: 'k1', reason: 'refund', orderId: 'o1', amountCents: 3172, note: null, balanceAfterCents: 9823, creditedAt: at },
    it: 'Accredito sul conto prepagato: 31,72 € (rimborso); saldo 98,23 €',
  },
  PrepaidAdjustmentRequested: {
    data: { customerId: 'c1', adjustmentId: 'a1', amountCents: 500, reason: 'doppio addebito', requestedBy: 'u-marco', requestedAt: at },
    it: 'Rettifica del conto prepagato richiesta: 5,00 €, motivo: doppio addebito; richiesta da Marco Neri (m.neri)',
  },
  PrepaidAdjustmentApproved: {
    data: { customerId: 'c1', adjustmentId: 'a1', amountCents: 500, reason: 'rimborso in contanti', requestedBy: 'u-marco', approvedBy: 'u-anna', balanceAfterCents: 1500, approvedAt: at },
    it: 'Rettifica del conto prepagato approvata: 5,00 €, motivo: rimborso in contanti; approvata da Anna Bianchi (a.bianchi); saldo 15,00 €',
  },
  PrepaidAdjustmentRejected: {
    data: { customerId: 'c1', adjustmentId: 'a1', rejectedBy: 'u-anna', rejectionReason: 'manca la ricevuta', rejectedAt: at },
    it: 'Rettifica del conto prepagato respinta: da Anna Bianchi (a.bianchi): manca la ricevuta',
  },
  DeviceRegistered: {
    data: { serial: '1205100000', kind: 'smart_card', issuer: 'infocert', issuedOn: '2023-05-02', holderCodiceFiscale: 'RSSMRA80A01F205X', certificates: [{ kind: 'signing', serialNumber: 'A1', validFrom: '2023-05-02T10:00:00.000Z', validUntil: '2026-05-02T10:00:00.000Z' }], registeredAt: at },
    it: 'Dispositivo registrato: smart card 1205100000, titolare RSSMRA80A01F205X, emesso il 02/05/2023',
  },
  CertificateRenewed: {
    data: { serial: '1205100000', kind: 'signing', previousSerialNumber: 'A1', serialNumber: 'A2', validFrom: at, validUntil: '2029-03-14T23:30:00.000Z', renewalId: null, reportId: null, renewedAt: at },
    it: 'Certificato rinnovato: sottoscrizione del dispositivo 1205100000, valido fino al 15/03/2029',
  },
  CertificateRevoked: {
    data: { serial: '1205100000', kind: 'authentication', serialNumber: 'A2', reason: 'superseded', replacementRequestId: null, revokedBy: 'u-anna', revokedAt: at },
    it: 'Certificato revocato: autenticazione (CNS) del dispositivo 1205100000, motivo: sostituito (superseded)',
  },
  DeviceStatusChanged: {
    data: { serial: '1205100000', from: 'active', to: 'lost', reason: 'denuncia del titolare', replacedBy: null, changedBy: 'u-anna', changedAt: at },
    it: 'Stato del dispositivo cambiato: 1205100000 da attivo a smarrito: denuncia del titolare',
  },
  HolderDeviceListed: { data: { codiceFiscale: 'RSSMRA80A01F205X', serial: '1205100000', listedAt: at }, it: 'Dispositivo associato al titolare: 1205100000, titolare RSSMRA80A01F205X' },
  ProductAdded: {
    data: { code: 'S', description: 'Sottoscrizione', kind: 'coupon', renews: 'signing', professionalRole: null, timestampPackSize: null, priceCents: 1100, vatRateBp: 2200, addedAt: at },
    it: 'Prodotto aggiunto al catalogo: S Sottoscrizione, 11,00 € + IVA 22%',
  },
  ProductPriceChanged: { data: { code: 'S', oldPriceCents: 1100, newPriceCents: 1250, effectiveAt: at }, it: 'Prezzo del prodotto cambiato: S da 11,00 € a 12,50 €' },
  ProductWithdrawn: { data: { code: 'S', reason: null, withdrawnAt: at }, it: 'Prodotto ritirato dal catalogo: S' },
  OrderPlaced: {
    data: {
      orderId: 'o1', customerId: 'c1', choice: 'manual', holderCodiceFiscale: null, deviceSerial: null, lines: [line], ...vat, codesEmail: 'mario@example.it',
      payment: { mode: 'direct', method: 'bank_transfer', rfReference: 'RF18539007547034', expiresAt: summer }, placedAt: at,
    },
    it: 'Ordine effettuato: 1 × Sottoscrizione e autenticazione; totale 31,72 €, bonifico bancario con codice RF18539007547034',
  },
  OrderPaymentReceived: {
    data: { orderId: 'o1', customerId: 'c1', paymentId: 'p1', method: 'bank_transfer', amountCents: 2684, appliedCents: 2684, surplusCents: 0, amountDueCents: 0, receivedAt: at },
    it: 'Pagamento ricevuto: bonifico bancario, 26,84 €',
  },
  OrderPaid: { data: { orderId: 'o1', amountCents: 3172, via: 'prepaid', paidAt: at }, it: 'Ordine pagato: 31,72 € dal conto prepagato' },
  OrderCancelled: { data: { orderId: 'o1', reason: 'richiesta del cliente', amountToCreditCents: 3172, cancelledAt: at }, it: 'Ordine annullato: richiesta del cliente; da riaccreditare 31,72 €' },
  OrderExpired: { data: { orderId: 'o1', amountToCreditCents: 0, expiredAt: at }, it: 'Ordine scaduto: non pagato entro la scadenza; da riaccreditare 0,00 €' },
  OrderFulfilled: {
    data: { orderId: 'o1', couponIds: ['k1', 'k2'], invoiceId: 'i1', invoiceYear: 2026, invoiceNumber: 12, fulfilledAt: at },
    it: 'Ordine evaso: fattura n. 12/2026, 2 coupon',
  },
  OrderCouponsRefunded: {
    data: { orderId: 'o1', couponIds: ['k1'], creditNoteId: 'n1', creditNoteYear: 2026, creditNoteNumber: 3, amountCents: 1342, refundTo: 'prepaid', refundedAt: at },
    it: 'Coupon rimborsati: 1 coupon, nota di credito n. 3/2026, 13,42 € sul conto prepagato',
  },
  RfReferenceClaimed: { data: { rfReference: 'RF18539007547034', orderId: 'o1', claimedAt: at }, it: 'Codice RF assegnato: RF18539007547034' },
  PaymentRecorded: {
    data: {
      paymentId: 'p1', method: 'postal_slip', amountCents: 3172, receivedOn: '2026-03-14', payer: 'Mario Rossi', reason: 'saldo RF18539007547034', recordedBy: 'u-anna',
      rfReference: 'RF18539007547034', matchStatus: 'reference_found', rfCandidate: null, recordedAt: at,
    },
    it: 'Pagamento registrato: bollettino postale, 31,72 € da Mario Rossi, ricevuto il 14/03/2026; codice RF18539007547034',
  },
  PaymentMatched: {
    data: { paymentId: 'p1', orderId: 'o1', how: 'by_hand', rfReference: null, by: 'u-anna', matchedAt: at },
    it: 'Pagamento abbinato: a mano, da Anna Bianchi (a.bianchi)',
  },
  PaymentLeftUnmatched: { data: { paymentId: 'p1', reason: 'no_reference', detail: 'nessun RF', unmatchedAt: at }, it: 'Pagamento non abbinato: nessun codice RF nella causale' },
  BankReferenceClaimed: { data: { bankReference: 'CRO123', paymentId: 'p1', claimedAt: at }, it: 'Riferimento bancario registrato: CRO123' },
  BankStatementImported: {
    data: {
      importId: 'b1', fileName: 'marzo.xml', kind: 'camt.053', messageId: null, statementIds: ['s1'], sha256: sha, importedBy: 'u-anna', importedAt: at,
      lines: [
        { line: 1, statementId: 's1', direction: 'credit', amountCents: 3172, valueDate: '2026-03-14', bankReference: 'X', debtorName: 'Rossi', rfReference: null, outcome: 'matched', paymentId: 'p1', orderId: 'o1', dueCents: 3172, message: '' },
        { line: 2, statementId: 's1', direction: 'debit', amountCents: 100, valueDate: '2026-03-14', bankReference: 'Y', debtorName: null, rfReference: null, outcome: 'debit', paymentId: null, orderId: null, dueCents: null, message: '' },
      ],
    },
    it: 'Estratto conto importato: marzo.xml, movimenti: 2, abbinati: 1',
  },
  InvoiceNumberAssigned: { data: { year: 2026, number: 12, invoiceId: 'i1', orderId: 'o1', assignedAt: at }, it: 'Numero di fattura assegnato: n. 12/2026' },
  InvoiceIssued: {
    data: { invoiceId: 'i1', year: 2026, number: 12, issuedOn: '2026-03-15', orderId: 'o1', customerId: 'c1', seller, buyer, lines: [line], ...vat, issuedAt: at },
    it: 'Fattura emessa: n. 12/2026 del 15/03/2026 a Mario Rossi, totale 31,72 €',
  },
  CreditNoteNumberAssigned: { data: { year: 2026, number: 3, creditNoteId: 'n1', invoiceId: 'i1', assignedAt: at }, it: 'Numero di nota di credito assegnato: n. 3/2026' },
  CreditNoteIssued: {
    data: {
      creditNoteId: 'n1', year: 2026, number: 3, issuedOn: '2026-03-16', invoiceId: 'i1', invoiceYear: 2026, invoiceNumber: 12, orderId: 'o1', couponIds: ['k1'],
      seller, buyer, lines: [line], ...vat, refundTo: 'paid_out', issuedAt: at,
    },
    it: 'Nota di credito emessa: n. 3/2026 del 16/03/2026 sulla fattura n. 12/2026, totale 31,72 €',
  },
  SdiReceiptRecorded: {
    data: {
      documentKind: 'invoice', documentId: 'i1', receipt: 'NS', sdiIdentifier: '111', messageId: 'm1', fileName: 'IT01234567890_00001.xml', receivedAt: at, deliveredAt: null,
      errors: [{ code: '00404', description: 'Fattura duplicata', suggestion: null }], note: null, receiptFileName: 'ns.xml', sha256: sha, recordedBy: 'u-anna', recordedAt: at,
    },
    it: 'Ricevuta SdI registrata: notifica di scarto (fattura), errori: 1',
  },
  CouponIssued: {
    data: { couponId: 'k1', code: '7QK2-M9XH-4TB6-RJ3W-C8PD', orderId: 'o1', customerId: 'c1', productCode: 'SA', renews: 'both', issuedAt: at, validUntil: '2027-03-15T09:30:00.000Z' },
    it: 'Coupon emesso: 7QK2-M9XH-4TB6-RJ3W-C8PD, sottoscrizione e autenticazione, valido fino al 15/03/2027',
  },
  CouponCodeClaimed: { data: { code, couponId: 'k1', claimedAt: at }, it: 'Codice coupon assegnato: 7QK2M9XH4TB6RJ3WC8PD' },
  CouponRedeemed: {
    data: { couponId: 'k1', deviceSerial: '1205100000', certificateKind: 'signing', renewalId: null, reportId: null, redeemedAt: at },
    it: 'Coupon usato: sottoscrizione del dispositivo 1205100000',
  },
  CouponCancelled: { data: { couponId: 'k1', reason: 'ordine rimborsato', cancelledAt: at }, it: 'Coupon annullato: ordine rimborsato' },
  CouponExpired: { data: { couponId: 'k1', expiredAt: at }, it: 'Coupon scaduto: non usato entro la validità' },
  CouponReserved: {
    data: { couponId: 'k1', renewalId: 'r1', deviceSerial: '1205100000', certificateKind: 'authentication', reservedAt: at },
    it: 'Coupon riservato per un rinnovo: autenticazione del dispositivo 1205100000',
  },
  CouponReleased: { data: { couponId: 'k1', renewalId: 'r1', reason: 'rinnovo abbandonato', releasedAt: at }, it: 'Coupon liberato: rinnovo abbandonato' },
  EmailQueued: {
    data: { emailId, purpose: 'coupon_codes', customerId: 'c1', orderId: 'o1', couponIds: ['k1', 'k2'], reason: 'resend', queuedAt: at },
    it: 'E-mail in coda: codici coupon: 2 (reinvio)',
  },
  EmailSent: { data: { emailId, to: 'mario@example.it', messageId: 'm', attempt: 1, sentAt: at }, it: 'E-mail inviata: a mario@example.it, tentativo 1' },
  EmailAttemptFailed: {
    data: { emailId, attempt: 2, error: 'connessione rifiutata', failedAt: at, retryAt: summer },
    it: "Invio dell'e-mail non riuscito: tentativo 2: connessione rifiutata; nuovo tentativo alle 01/07/2026 18:05",
  },
  EmailAttemptStarted: { data: { emailId, attempt: 1, messageId: 'm', startedAt: at }, it: "Invio dell'e-mail avviato: tentativo 1" },
  EmailGaveUp: { data: { emailId, attempts: 5, error: 'casella inesistente', gaveUpAt: at }, it: 'E-mail non recapitata: dopo 5 tentativi: casella inesistente' },
  EmailRetryRequested: { data: { emailId, requestedAt: at }, it: "Nuovo invio dell'e-mail richiesto: il 15/03/2026 10:30" },
  StaffUsernameClaimed: { data: { username: 'a.bianchi', userId: 'u-anna', claimedAt: at }, it: 'Nome utente assegnato: a.bianchi' },
  StaffUserCreated: {
    data: { userId: 'u-anna', username: 'a.bianchi', displayName: 'Anna Bianchi', roles: ['accountant', 'supervisor'], passwordHash: '***', createdAt: at },
    it: 'Utente del personale creato: Anna Bianchi (a.bianchi), ruoli: contabile, supervisore',
  },
  StaffRolesChanged: {
    data: { userId: 'u-marco', roles: ['admin', 'operator'], oversight, changedAt: at },
    it: 'Ruoli cambiati: Marco Neri (m.neri): amministratore, operatore di sportello; modifica sensibile approvata da Anna Bianchi (a.bianchi)',
  },
  StaffPasswordChanged: { data: { userId: 'u-anna', passwordHash: '***', by: 'self', changedAt: at }, it: "Password cambiata: Anna Bianchi (a.bianchi), dall'utente stesso" },
  StaffUserDisabled: { data: { userId: 'u-marco', disabledAt: at }, it: 'Utente disattivato: Marco Neri (m.neri)' },
  StaffUserEnabled: { data: { userId: 'u-marco', enabledAt: at }, it: 'Utente riattivato: Marco Neri (m.neri)' },
  StaffChangeRequested: {
    data: { requestId: 'r1', userId: 'u-marco', reason: 'password_reset', passwordHash: '***', requestedBy: 'u-anna', requestedAt: at },
    it: 'Modifica del personale richiesta: Marco Neri (m.neri): nuova password, richiesta da Anna Bianchi (a.bianchi)',
  },
  StaffChangeApproved: { data: { requestId: 'r1', approvedBy: 'u-anna', approvedAt: at }, it: 'Modifica del personale approvata: da Anna Bianchi (a.bianchi)' },
  StaffChangeRejected: { data: { requestId: 'r1', rejectedBy: 'system', rejectedAt: at }, it: 'Modifica del personale respinta: da Sistema' },
  StaffSessionStarted: { data: { sessionId: 's1', userId: 'u-marco', generation: 0, startedAt: at }, it: 'Accesso: Marco Neri (m.neri)' },
  StaffSessionActive: { data: { sessionId: 's1', userId: 'u-marco', activeAt: at }, it: 'Sessione in uso: Marco Neri (m.neri)' },
  StaffSessionEnded: { data: { sessionId: 's1', userId: 'u-marco', reason: 'logout', endedAt: at }, it: 'Uscita: Marco Neri (m.neri)' },
  IssuerPolicySet: {
    data: {
      issuerId: 'infocert', issuerName: 'InfoCert', renewalOpensDaysBefore: 90, graceHours: 24, validityYears: 3,
      payAfter: { offered: true, deviceKinds: ['smart_card'], issuedFrom: '2009-01-01' }, payAfterFeeCents: 1000, payAfterVatRateBp: 2200, setBy: 'u-anna', setAt: at,
    },
    it: "Regole dell'emittente impostate: InfoCert: rinnovo da 90 giorni prima della scadenza, tolleranza 24 ore, validità 3 anni",
  },
  RenewalStarted: {
    data: {
      renewalId: 'r1', deviceSerial: '1205100000', holderCodiceFiscale: 'RSSMRA80A01F205X', customerId: null, issuerId: 'infocert', certificates: ['signing', 'authentication'], partialReason: null,
      payment: { mode: 'pay_after', feeCents: 1000, vatRateBp: 2200 }, channel: 'desk', startedBy: 'u-anna', startedAt: at,
    },
    it: 'Rinnovo avviato: 1205100000, sottoscrizione, autenticazione (CNS); pagamento posticipato, al banco',
  },
  RenewalStepRecorded: {
    data: { renewalId: 'r1', certificateKind: 'signing', step: 'certificate_installed', certificate: null, recordedBy: 'u-anna', recordedAt: at },
    it: 'Passo del rinnovo: sottoscrizione: certificato installato',
  },
  RenewalFailed: { data: { renewalId: 'r1', certificateKind: null, stepReached: null, reason: 'PIN bloccato', failedAt: at }, it: 'Rinnovo non riuscito: PIN bloccato' },
  RenewalResumed: { data: { renewalId: 'r1', resumedBy: 'u-anna', resumedAt: at }, it: 'Rinnovo ripreso: da Anna Bianchi (a.bianchi)' },
  RenewalCompleted: {
    data: { renewalId: 'r1', certificates: [{ kind: 'signing', serialNumber: 'A2', validFrom: at, validUntil: '2029-03-15T09:30:00.000Z' }], completedBy: 'u-anna', completedAt: at },
    it: 'Rinnovo completato: sottoscrizione, validi fino al 15/03/2029',
  },
  RenewalAbandoned: { data: { renewalId: 'r1', reason: 'il cliente se ne è andato', abandonedBy: 'u-anna', abandonedAt: at }, it: 'Rinnovo abbandonato: il cliente se ne è andato' },
  RenewalFeeOrdered: { data: { renewalId: 'r1', orderId: 'o1', orderedAt: at }, it: 'Ordine del rinnovo con pagamento posticipato: il canone del rinnovo si paga dopo' },
  DeviceRenewalClaimed: { data: { deviceSerial: '1205100000', renewalId: 'r1', takenOver: null, claimedAt: at }, it: 'Dispositivo in rinnovo: 1205100000' },
  DeviceRenewalReleased: { data: { deviceSerial: '1205100000', renewalId: 'r1', releasedAt: at }, it: 'Dispositivo non più in rinnovo: 1205100000' },
  CaReportReceived: {
    data: {
      reportId: 'ca1', via: 'csv', receivedBy: 'u-anna', receivedAt: at,
      lines: [{ line: 1, couponCode: 'X', deviceSerial: '1205100000', certificateKind: 'signing', serialNumber: 'A2', validFrom: at, validUntil: at, outcome: 'applied', message: '' }],
    },
    it: 'Rapporto della CA ricevuto: file CSV caricato, righe: 1, applicate: 1',
  },
  ReplacementRequested: {
    data: { requestId: 'q1', deviceSerial: '1205100000', holderCodiceFiscale: 'RSSMRA80A01F205X', customerId: 'c1', reason: 'deadline_passed', note: 'scaduta da una settimana', productCode: 'CARD', requestedBy: 'u-marco', requestedAt: at },
    it: 'Sostituzione richiesta: 1205100000, scadenza superata: scaduta da una settimana',
  },
  ReplacementApproved: { data: { requestId: 'q1', note: 'ok', approvedBy: 'u-anna', approvedAt: at }, it: 'Sostituzione approvata: da Anna Bianchi (a.bianchi): ok' },
  ReplacementRejected: { data: { requestId: 'q1', note: 'ancora rinnovabile', rejectedBy: 'u-anna', rejectedAt: at }, it: 'Sostituzione respinta: da Anna Bianchi (a.bianchi): ancora rinnovabile' },
  ReplacementOrderPlaced: { data: { requestId: 'q1', orderId: 'o2', orderedAt: at }, it: 'Ordine della sostituzione creato: la nuova carta è in ordine' },
  ReplacementDeviceIssued: { data: { requestId: 'q1', newDeviceSerial: '1205100001', issuedBy: 'u-anna', issuedAt: at }, it: 'Nuovo dispositivo consegnato: nuovo dispositivo 1205100001' },
  ReplacementCompleted: { data: { requestId: 'q1', completedAt: at }, it: 'Sostituzione completata: il vecchio dispositivo è sostituito' },
  RenewalReminderSent: {
    data: { deviceSerial: '1205100000', certificateKind: 'signing', certificateSerialNumber: 'A1', offsetDays: 30, deadline: '2026-04-15T21:59:00.000Z', emailIds: [emailId], sentAt: at },
    it: 'Promemoria di rinnovo inviato: 1205100000, sottoscrizione, 30 giorni prima della scadenza del 15/04/2026',
  },
  LogVerified: {
    data: {
      ranBy: 'u-anna', via: 'console', startedAt: at, finishedAt: at, ok: false, verified: 120, beforeChain: 0, head: { position: 119, hash: sha },
      broken: { position: 57, stream: 'order-o1', revision: 2, kind: 'content_altered', detail: 'hash differs' }, expectedHead: null, expectHeadFailure: null,
    },
    it: 'Registro eventi verificato: catena interrotta alla posizione 57 (order-o1), eventi controllati: 120; dalla console, Anna Bianchi (a.bianchi)',
  },
  ParkedEventsReplayed: {
    data: { reactor: 'fulfilment', group: 'backoffice-reactor-fulfilment-0a1b2c3d', parked: 2, replayedBy: 'u-anna', replayedAt: at },
    it: 'Eventi accantonati rimessi in coda: evasione degli ordini, eventi accantonati: 2; da Anna Bianchi (a.bianchi)',
  },
  IdempotencyKeyClaimed: {
    data: { userId: 'u-anna', fingerprint: 'f1', claimedAt: at, holder: { server: 's1', run: 'r1' } },
    it: 'Richiesta presa in carico (Idempotency-Key): da Anna Bianchi (a.bianchi)',
  },
  IdempotentAnswerRecorded: {
    data: { status: 201, contentType: 'application/json', body: '{}', answeredAt: at },
    it: 'Risposta alla richiesta registrata: stato HTTP 201',
  },
  IdempotencyKeyReleased: {
    data: { releasedAt: at, reason: 'server_error' },
    it: 'Richiesta liberata per un nuovo tentativo: la richiesta è fallita sul server',
  },
};

const schemaOf = new Map(
  [
    productEventShapes, couponCodeEventShapes, couponEventShapes, customerEventShapes, deviceEventShapes, holderDeviceEventShapes, emailEventShapes,
    invoiceEventShapes, orderEventShapes, rfReferenceEventShapes, bankReferenceEventShapes, paymentEventShapes, prepaidEventShapes, staffEventShapes,
    issuerPolicyEventShapes, caReportEventShapes, deviceRenewalClaimEventShapes, renewalEventShapes, replacementEventShapes, reminderEventShapes,
    bankStatementEventShapes, sdiEventShapes, logVerificationEventShapes, operationsEventShapes, idempotencyEventShapes,
  ].flatMap((shapes) => shapes.map((shape) => [shape.type as string, shape.schema] as const)),
);

describe('events in words', () => {
  test('every event type has a label and a summary in Italian and in English', () => {
    const missing = eventTypes.flatMap((type) => [
      ...(labelsIt[type] ? [] : [`${type}: Italian label`]),
      ...(labelsEn[type] ? [] : [`${type}: English label`]),
      ...(summariesIt[type] ? [] : [`${type}: Italian summary`]),
      ...(summariesEn[type] ? [] : [`${type}: English summary`]),
      ...(samples[type] ? [] : [`${type}: sample for this test`]),
    ]);
    expect(missing).toEqual([]);
  });

  test.each(eventTypes.map((type) => [type]))('%s: the samples are valid events of the domain', (type) => {
    expect(schemaOf.get(type)!.safeParse(samples[type].data).error).toBeUndefined();
  });

  test.each(eventTypes.map((type) => [type]))('%s reads in Italian', (type) => {
    expect(describeEvent(type, samples[type].data, translateIt, toolsIt)).toBe(samples[type].it);
  });

  test.each(eventTypes.map((type) => [type]))('%s reads in English, every placeholder filled', (type) => {
    const text = describeEvent(type, samples[type].data, translateEn, toolsEn);
    expect(text.startsWith(`${labelsEn[type]}: `)).toBe(true);
    expect(eventSummary(type, samples[type].data, translateEn, toolsEn)).not.toBe('');
    expect(text).not.toMatch(/%\{|undefined|NaN/);
  });

  test('the example of the issue, in both languages', () => {
    const data = samples.OrderPaymentReceived.data;
    expect(describeEvent('OrderPaymentReceived', data, translateEn, toolsEn)).toBe('Payment received: bank transfer, 26,84 €');
    expect(describeEvent('OrderPaymentReceived', { ...data, amountCents: 2000, appliedCents: 2000, amountDueCents: 684 }, translateIt, toolsIt)).toBe(
      'Pagamento ricevuto: bonifico bancario, 20,00 €; restano da pagare 6,84 €',
    );
  });

  test('the payment notice e-mail of an order placed for payment by transfer', () => {
    const data = { emailId, purpose: 'payment_notice' as const, customerId: 'c1', orderId: 'o1', reason: 'placement' as const, queuedAt: at };
    expect(schemaOf.get('EmailQueued')!.safeParse(data).error).toBeUndefined();
    expect(describeEvent('EmailQueued', data, translateIt, toolsIt)).toBe("E-mail in coda: avviso di pagamento dell'ordine");
  });

  test("the log's verified head e-mailed to the accountants", () => {
    const data = {
      emailId,
      purpose: 'log_head' as const,
      reason: 'export' as const,
      to: 'contabilita@example.it',
      head: { position: 42, hash: 'a'.repeat(64) },
      verifiedAt: at,
      verified: 41,
      requestedBy: 'anna',
      queuedAt: at,
    };
    expect(schemaOf.get('EmailQueued')!.safeParse(data).error).toBeUndefined();
    expect(describeEvent('EmailQueued', data, translateIt, toolsIt)).toBe('E-mail in coda: testa verificata del registro (posizione 42) a contabilita@example.it');
  });

  test('an unknown type or data of another shape falls back to the label, never throws', () => {
    expect(describeEvent('SomethingNew', { a: 1 }, translateIt, toolsIt)).toBe('SomethingNew');
    expect(describeEvent('OrderPaid', { orderId: 'o1' }, translateIt, toolsIt)).toBe('Ordine pagato');
    expect(eventLabel('OrderPaid', translateEn)).toBe('Order paid');
  });
});
