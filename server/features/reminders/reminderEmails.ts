// Composes a renewal reminder for the outbox when it is sent: to the customer's profile e-mail in
// force then, with what to buy as the guided purchase would propose it from the catalogue in force
// then (one coupon per certificate, VAT included).
import type { RenewalReminderEmail } from '../../../domain/emails/events';
import { proposeGuidedLines, type CatalogueProduct } from '../../../domain/orders/decider';
import { lineAmounts } from '../../../domain/shared/money';
import { DAY_MS } from '../../../domain/shared/utcTime';
import { deviceAggregate, streamOf as deviceStream } from '../../../domain/devices/decider';
import { loadAggregate } from '../../commands/handle';
import { listProducts } from '../catalogue/service';
import { customerDisplayName, getCustomer } from '../customers/service';
import type { SalesDeps } from '../deps';
import type { ComposedEmail } from '../emails/couponEmailMessage';
import { composeReminderEmail, type ProductToBuy } from './reminderEmailMessage';

/** The coupons that renew these certificates (none when the catalogue has none on sale for them). */
export async function productsToBuy(
  deps: Pick<SalesDeps, 'store' | 'catalogue'>,
  certificates: ReadonlyArray<{ kind: 'signing' | 'authentication'; validUntil: string }>,
): Promise<ProductToBuy[]> {
  const products: CatalogueProduct[] = (await listProducts(deps)).map((p) => ({
    code: p.code,
    description: p.description,
    renews: p.renews,
    professionalRole: p.professionalRole,
    priceCents: p.priceCents,
    vatRateBp: p.vatRateBp,
    status: p.status,
  }));
  try {
    return proposeGuidedLines(certificates, products).map(({ product }) => ({
      code: product.code,
      description: product.description,
      totalCents: lineAmounts({ unitPriceCents: product.priceCents, quantity: 1, vatRateBp: product.vatRateBp }).totalCents,
    }));
  } catch {
    return [];
  }
}

export function composeReminderEmailFor(deps: Pick<SalesDeps, 'store' | 'catalogue' | 'settings' | 'clock'>) {
  return async (queued: RenewalReminderEmail): Promise<ComposedEmail & { to: string }> => {
    const customer = await getCustomer(deps, queued.customerId);
    const { state: device } = await loadAggregate(deps, deviceStream(queued.deviceSerial), deviceAggregate);
    const holderCodiceFiscale = device.status === 'registered' ? device.holderCodiceFiscale : '';
    const composed = composeReminderEmail({
      recipientName: customerDisplayName(customer),
      recipient: queued.recipient,
      holderCodiceFiscale,
      deviceSerial: queued.deviceSerial,
      deadline: queued.deadline,
      daysLeft: Math.max(0, Math.ceil((Date.parse(queued.deadline) - deps.clock().getTime()) / DAY_MS)),
      certificates: queued.certificates,
      products: await productsToBuy(deps, queued.certificates),
      renewalUrl: deps.settings.renewalUrl,
      sellerName: deps.settings.seller.name,
    });
    return { ...composed, to: customer.email };
  };
}
