// Starting a renewal at the kiosk: the card is looked at again (a card past its window is refused
// here, before anything is asked of the back office: only a replacement card helps), then the
// back office starts it with the payment: coupons (checked and reserved there, once: a resumed
// renewal never asks for them again), pay-after, or a sale at the desk (a guided order for the
// device, paid at once by card or cash, then the renewal paid by that order; a sale of the card
// that no renewal used is taken again rather than sold twice).
//
// One Idempotency-Key per start, shared by the commands it sends: a retry after a lost answer
// (backOffice.ts retries) lands on the same order, payment and renewal.
import { randomUUID } from 'node:crypto';
import type { DeviceCertificateKind } from '../../domain/devices/events';
import type { PlacedOrder, StartRenewalBody } from '../backOffice';
import { couponHints } from '../logging';
import { inspectCard } from './cardView';
import type { RenewalContext } from './context';
import { deskRenewalOf } from './deskRenewal';
import { KioskError, type CardProblem, type DeskPayment, type DeskRenewal } from './port';

export const REPLACEMENT_NEEDED_MESSAGE = 'Certificato oltre la scadenza del rinnovo: serve una carta sostitutiva.';

const problemMessages: Record<Exclude<CardProblem, 'replacement_needed'>, string> = {
  holder_unreadable: 'i certificati della carta non riportano il codice fiscale del titolare',
  device_unknown: 'il gestionale non conosce questa carta',
  holder_mismatch: 'il titolare della carta non è quello registrato nel gestionale',
  device_not_active: 'la carta non è attiva nel gestionale (smarrita, sospesa o cessata)',
  window_not_open: 'il rinnovo non è ancora aperto per i certificati di questa carta',
};

export interface StartChoice {
  certificates: DeviceCertificateKind[];
  partialReason?: string;
  payment: DeskPayment;
}

export async function startAtKiosk(ctx: RenewalContext, tokenSerial: string, choice: StartChoice): Promise<DeskRenewal> {
  const view = await inspectCard(ctx, tokenSerial);
  if (view.problems.includes('replacement_needed')) {
    throw new KioskError('replacement_needed', REPLACEMENT_NEEDED_MESSAGE);
  }
  const blocking = view.problems.filter((p): p is Exclude<CardProblem, 'replacement_needed'> => p !== 'replacement_needed');
  if (blocking.length > 0) throw new KioskError('card_not_renewable', `${blocking.map((p) => problemMessages[p]).join('; ')}.`);
  if (view.openRenewal) {
    throw new KioskError('card_not_renewable', 'un rinnovo di questa carta è già aperto: riprenderlo o annullarlo', { renewalId: view.openRenewal.renewalId });
  }
  const device = view.device!;
  const attempt = randomUUID();
  const key = (command: string) => `kiosk-start-${attempt}-${command}`;

  let payment: StartRenewalBody['payment'];
  const p = choice.payment;
  switch (p.mode) {
    case 'coupons':
      payment = { mode: 'coupons', coupons: p.coupons };
      break;
    case 'pay_after':
      if (!view.customer) throw new KioskError('card_not_renewable', 'il titolare non è un cliente registrato: registrarlo per il pagamento posticipato');
      payment = { mode: 'pay_after', customerId: view.customer.id };
      break;
    case 'desk_sale': {
      if (!view.customer) throw new KioskError('card_not_renewable', 'il titolare non è un cliente registrato: registrarlo per la vendita allo sportello');
      const method = p.method === 'card' ? 'credit_card' : 'cash';
      const order =
        (await unusedDeskSale(ctx, device.serial, view.customer.id)) ??
        (await ctx.backOffice.placeDeskOrder(
          { customerId: view.customer.id, holderCodiceFiscale: view.holderCodiceFiscale!, deviceSerial: device.serial, method },
          key('order'),
        ));
      const due = order.totalCents - order.receivedCents;
      if (order.status === 'awaiting_payment' && due > 0) {
        await ctx.backOffice.takeDeskPayment(order.orderId, { method, amountCents: due }, key('payment'));
      }
      await untilFulfilled(ctx, order.orderId);
      ctx.logger.info({ deviceSerial: device.serial, orderId: order.orderId, totalCents: order.totalCents, method }, 'desk sale paid');
      payment = { mode: 'desk_sale', orderId: order.orderId };
      break;
    }
  }
  ctx.logger.info(
    {
      deviceSerial: device.serial,
      certificates: choice.certificates,
      paymentMode: p.mode,
      ...(p.mode === 'coupons' ? { couponHints: couponHints(p.coupons) } : {}),
    },
    'renewal starting',
  );
  try {
    const answer = await ctx.backOffice.startRenewal(
      { deviceSerial: device.serial, certificates: choice.certificates, partialReason: choice.partialReason ?? null, payment },
      key('renewal'),
    );
    ctx.logger.info({ renewalId: answer.id, deviceSerial: device.serial }, 'renewal started');
    const row = await ctx.backOffice.renewal(answer.id);
    if (!row) throw new KioskError('back_office_refused', `il gestionale non mostra il rinnovo ${answer.id}`, { renewalId: answer.id });
    return await deskRenewalOf(row, ctx.ca);
  } catch (error) {
    if (error instanceof KioskError) {
      ctx.logger.warn({ deviceSerial: device.serial, errorCode: error.code, backOfficeCode: error.details.backOfficeCode }, 'renewal not started');
    }
    throw error;
  }
}

/**
 * A sale at the desk for this card that no renewal used (a start that failed after the sale, tried
 * again): the customer does not pay twice. An order awaiting payment is paid; a paid one is used
 * if none of its coupons was used or cancelled (the card has no open renewal, so none is held).
 */
async function unusedDeskSale(ctx: RenewalContext, deviceSerial: string, customerId: string): Promise<PlacedOrder | null> {
  for (const order of await ctx.backOffice.ordersOfDevice(deviceSerial)) {
    if (order.customerId !== customerId) continue;
    const coupons = order.status === 'awaiting_payment' ? [] : await ctx.backOffice.couponsOfOrder(order.id);
    if (coupons.some((c) => c.state !== 'issued')) continue;
    ctx.logger.info({ deviceSerial, orderId: order.id }, 'an earlier desk sale of this card, unused: taken again');
    return { orderId: order.id, status: order.status, totalCents: order.totalCents, receivedCents: order.totalCents - order.amountDueCents };
  }
  return null;
}

const FULFILMENT_WAIT_MS = 15_000;

/**
 * A desk sale's coupons are issued by the back office's fulfilment a moment after the payment; a
 * renewal paid by the order can start only then (before, the server refuses: order_not_fulfilled,
 * and holds the device for a while). So the start waits for the order to be fulfilled.
 */
async function untilFulfilled(ctx: RenewalContext, orderId: string): Promise<void> {
  const deadline = Date.now() + FULFILMENT_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    const order = await ctx.backOffice.order(orderId);
    if (order?.fulfilledAt) return;
    if (Date.now() > deadline) {
      throw new KioskError('back_office_unreachable', `il gestionale non ha ancora emesso i coupon dell'ordine ${orderId}: riprovare fra poco`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
  }
}
