// The customer's receipt of a completed renewal (kiosk/receipt.ts draws it), from what the back
// office recorded: the new certificates and, from the device's timeline, the ones they replaced;
// the holder's name; how it was paid (a coupon by its hint only: a receipt lies on desks); the
// operator logged in at the desk.
import type { DeviceCertificateKind } from '../../domain/devices/events';
import { renewalReceiptPdf, type ReceiptPayment } from '../receipt';
import type { RenewalContext } from './context';
import { KioskError } from './port';

export async function receiptOf(ctx: RenewalContext, renewalId: string): Promise<Buffer> {
  const bo = ctx.backOffice;
  const row = await bo.renewal(renewalId);
  if (!row) throw new KioskError('back_office_refused', `rinnovo ${renewalId} non trovato nel gestionale`, { status: 404, backOfficeCode: 'renewal_not_found', renewalId });
  if (row.state !== 'completed' || !row.newCertificates || !row.completedAt) {
    throw new KioskError('back_office_refused', 'la ricevuta si stampa a rinnovo completato', { backOfficeCode: 'renewal_not_completed', renewalId });
  }
  const previous = new Map<string, string>();
  for (const e of await bo.deviceEvents(row.deviceSerial)) {
    if (e.type === 'CertificateRenewed' && e.serialNumber && e.previousSerialNumber) previous.set(e.serialNumber, e.previousSerialNumber);
  }
  let payment: ReceiptPayment;
  switch (row.paymentMode) {
    case 'coupons': {
      const coupons = row.couponIds && row.couponIds.length > 0 ? await bo.coupons(row.couponIds) : [];
      payment = {
        mode: 'coupons',
        coupons: coupons.map((c) => ({ code: c.codeHint, certificateKind: (c.certificateKind ?? c.renews) as DeviceCertificateKind | 'both' })),
      };
      break;
    }
    case 'pay_after':
      payment = { mode: 'pay_after', feeCents: row.feeCents ?? 0, ...(row.feeVatRateBp !== null ? { vatRateBp: row.feeVatRateBp } : {}) };
      break;
    case 'desk_sale': {
      const order = row.deskOrderId ? await bo.order(row.deskOrderId) : null;
      payment = { mode: 'desk_sale', orderId: row.deskOrderId ?? '', ...(order ? { totalCents: order.totalCents } : {}) };
      break;
    }
  }
  const customer = await bo.customerByCodiceFiscale(row.holderCodiceFiscale);
  const operator = await bo.operator();
  return renewalReceiptPdf({
    office: { name: ctx.officeName },
    renewalId,
    completedAt: row.completedAt,
    holder: { name: customer?.fullName ?? null, codiceFiscale: row.holderCodiceFiscale },
    deviceSerial: row.deviceSerial,
    certificates: row.newCertificates.map((c) => ({ kind: c.kind, oldSerial: previous.get(c.serialNumber) ?? null, newSerial: c.serialNumber, validUntil: c.validUntil })),
    payment,
    operator: operator?.displayName ?? row.startedBy,
  });
}
