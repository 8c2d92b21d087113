// Renewals at the desk (and the kiosk): what each command needs around the renewal decider, on the
// other streams it touches. Every step is idempotent, so a crash at any point and a retry of the
// same command finish the job without a second coupon or a second certificate:
//
// - start: resolves the device, its issuer's policy and the payment (coupon codes as typed, found
//   through their guard streams `coupon-code-<code>`; the pay-after customer; the desk-sale
//   order), validates the whole start, reserves each coupon for the renewal (a coupon held by
//   another renewal → 409 coupon_reserved; what this attempt reserved is then released), and
//   records the start;
// - complete: checks the device still takes the new certificates, redeems the coupons (completing
//   their reservation), replaces the device's certificates (renewCertificate on `device-<serial>`,
//   the same certificate again changes nothing) and records the completion;
// - abandon: records it, then releases the coupons.
// One renewal of a device at a time: the start takes the device (domain/renewals/deviceClaim.ts)
// before any coupon is held, completion and abandonment give it back.
// Pay-after: once completed, the fee order is placed by the reactor of feeOrders.ts.
import type { CommandContext } from '../../../events/eventCatalogue';
import { couponCodeAggregate, couponCodeStreamOf, couponOfCode } from '../../../domain/coupons/codeClaim';
import {
  couponAggregate,
  redeemCoupon,
  releaseCoupon,
  reserveCoupon,
  streamOf as couponStream,
  type CouponState,
} from '../../../domain/coupons/decider';
import type { CouponEvent } from '../../../domain/coupons/events';
import { deviceAggregate, renewCertificate, streamOf as deviceStream, type RegisteredDevice } from '../../../domain/devices/decider';
import type { DeviceCertificateKind } from '../../../domain/devices/events';
import type { CouponRenews } from '../../../domain/orders/events';
import {
  abandonRenewal as decideAbandon,
  certificatesToInstall,
  completeRenewal as decideCompletion,
  couponsOf,
  failRenewal as decideFailure,
  recordStep as decideStep,
  renewalAggregate,
  resumeRenewal as decideResume,
  startRenewal as decideStart,
  streamOf as renewalStream,
  type IssuedCertificate,
  type Renewal,
  type StartPayment,
  type StartRenewal,
} from '../../../domain/renewals/decider';
import type { RenewalStep } from '../../../domain/renewals/events';
import { claimDeviceRenewal, deviceRenewalAggregate, deviceRenewalStreamOf, releaseDeviceRenewal, UNSTARTED_CLAIM_MS } from '../../../domain/renewals/deviceClaim';
import { checkCouponCode } from '../../../domain/shared/couponCode';
import { DomainError, notFound } from '../../../domain/shared/errors';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { policyForIssuer } from '../certificates/policies';
import { getCustomer } from '../customers/service';
import { lastPosition, type SalesDeps } from '../deps';
import { getOrder } from '../orders/service';

export type RenewalPaymentInput =
  | { mode: 'coupons'; coupons: string[] }
  | { mode: 'pay_after'; customerId: string }
  | { mode: 'desk_sale'; orderId: string };

export interface StartRenewalInput {
  renewalId: string;
  deviceSerial: string;
  certificates: DeviceCertificateKind[];
  partialReason?: string | null | undefined;
  payment: RenewalPaymentInput;
  channel?: 'desk' | 'kiosk' | undefined;
}

export interface RenewalResult {
  position: number;
  renewalId: string;
  renewal: Renewal;
}

/** Test hooks: called after a step of completing; throwing simulates a crash there. */
export interface RenewalHooks {
  afterStep?(step: 'coupons_redeemed' | 'certificates_renewed', renewalId: string): void | Promise<void>;
}

export async function getRenewal(deps: Pick<SalesDeps, 'store' | 'catalogue'>, renewalId: string): Promise<Renewal> {
  const { state } = await loadAggregate(deps, renewalStream(renewalId), renewalAggregate);
  if (state.status === 'none') throw notFound('renewal', renewalId);
  return state;
}

/** The same refusal, on the request's field. */
function onField(error: unknown, field: string): unknown {
  if (error instanceof DomainError && error.field === undefined) return new DomainError(error.code, error.message, error.kind, field);
  if (error instanceof DomainError && error.field === 'certificateKind') return new DomainError(error.code, error.message, error.kind, field);
  return error;
}

async function loadDevice(deps: SalesDeps, serial: string): Promise<RegisteredDevice> {
  const { state } = await loadAggregate(deps, deviceStream(serial ?? ''), deviceAggregate);
  if (state.status !== 'registered') throw new DomainError('device_not_found', `device ${serial} not found`, 'not_found', 'deviceSerial');
  return state;
}

/** The coupons behind the codes typed, each with what it pays for among the certificates chosen. */
async function resolveCoupons(deps: SalesDeps, codes: readonly string[], chosen: readonly DeviceCertificateKind[]): Promise<{ couponId: string; certificateKind: CouponRenews }[]> {
  const found: { couponId: string; renews: CouponRenews }[] = [];
  for (const [i, typed] of codes.entries()) {
    const field = `payment.coupons.${i}`;
    const checked = checkCouponCode(typed ?? '');
    if (!checked.ok) throw new DomainError(`coupon_code_${checked.rule}`, `${field}: ${checked.message}`, 'invalid', field);
    const couponId = couponOfCode((await loadAggregate(deps, couponCodeStreamOf(checked.value), couponCodeAggregate)).state);
    const coupon = couponId === null ? null : (await loadAggregate(deps, couponStream(couponId), couponAggregate)).state;
    if (coupon === null || coupon.status === 'none') throw new DomainError('coupon_not_found', `no coupon has the code ${checked.value}`, 'not_found', field);
    found.push({ couponId: coupon.couponId, renews: coupon.renews });
  }
  return assignCoupons(found, chosen);
}

/**
 * What each coupon pays for among the certificates chosen. A coupon for one certificate pays for
 * it; a 'both' coupon pays for both when it is the only one and both are renewed, otherwise for the
 * certificate no other coupon pays for.
 */
function assignCoupons(found: readonly { couponId: string; renews: CouponRenews }[], chosen: readonly DeviceCertificateKind[]): { couponId: string; certificateKind: CouponRenews }[] {
  const specific = new Set(found.filter((c) => c.renews !== 'both').map((c) => c.renews));
  const taken = new Set<CouponRenews>();
  return found.map(({ couponId, renews }) => {
    if (renews !== 'both') return { couponId, certificateKind: renews };
    if (found.length === 1 && chosen.length === 2) return { couponId, certificateKind: 'both' };
    const kind = chosen.find((k) => !specific.has(k) && !taken.has(k));
    if (kind === undefined) return { couponId, certificateKind: 'both' };
    taken.add(kind);
    return { couponId, certificateKind: kind };
  });
}

/**
 * A desk sale pays through the coupons its order issued: they are held by the renewal like typed
 * ones, so that the same sale cannot pay for a second renewal, nor its codes be used elsewhere.
 * Only the coupons paying for the certificates chosen are held.
 */
async function orderCoupons(deps: SalesDeps, orderId: string, chosen: readonly DeviceCertificateKind[]): Promise<{ couponId: string; certificateKind: CouponRenews }[]> {
  const order = await getOrder(deps, orderId);
  if (order.fulfilment === null) {
    throw new DomainError('order_not_fulfilled', `the coupons of order ${orderId} are being issued: try again in a moment`, 'conflict', 'payment.orderId');
  }
  const refunded = new Set(order.refunds.flatMap((r) => r.couponIds));
  const found: { couponId: string; renews: CouponRenews }[] = [];
  for (const couponId of order.fulfilment.couponIds) {
    if (refunded.has(couponId)) continue;
    const { state } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
    if (state.status !== 'none') found.push({ couponId, renews: state.renews });
  }
  const paying = assignCoupons(found, chosen).filter((c) => c.certificateKind === 'both' || chosen.includes(c.certificateKind));
  const covered = new Set(paying.flatMap((c) => (c.certificateKind === 'both' ? [...chosen] : [c.certificateKind])));
  const unpaid = chosen.filter((k) => !covered.has(k));
  if (unpaid.length > 0) throw new DomainError('order_not_for_certificates', `order ${orderId} did not buy the renewal of the ${unpaid.join(' and ')} certificate`, 'rule', 'payment.orderId');
  // One coupon per certificate is enough: the first that pays for it.
  const used = new Set<DeviceCertificateKind>();
  return paying.filter((c) => {
    const kinds = c.certificateKind === 'both' ? [...chosen] : [c.certificateKind];
    if (kinds.every((k) => used.has(k))) return false;
    for (const k of kinds) used.add(k);
    return true;
  });
}

/** The coupons a renewal holds: those typed, or those of its desk sale. */
async function heldCoupons(deps: SalesDeps, renewal: Pick<Renewal, 'payment' | 'certificates'>): Promise<{ couponId: string; certificateKind: CouponRenews }[]> {
  if (renewal.payment.mode === 'desk_sale') return orderCoupons(deps, renewal.payment.orderId, renewal.certificates);
  return couponsOf(renewal);
}

async function resolvePayment(deps: SalesDeps, input: StartRenewalInput): Promise<StartPayment> {
  const payment = input.payment;
  switch (payment?.mode) {
    case 'coupons':
      return { mode: 'coupons', coupons: await resolveCoupons(deps, payment.coupons ?? [], input.certificates ?? []) };
    case 'pay_after': {
      const customer = await getCustomer(deps, payment.customerId).catch((error: unknown) => {
        throw onField(error, 'payment.customerId');
      });
      return { mode: 'pay_after', customerId: customer.customerId };
    }
    case 'desk_sale': {
      const order = await getOrder(deps, payment.orderId).catch((error: unknown) => {
        throw onField(error, 'payment.orderId');
      });
      return { mode: 'desk_sale', order: { orderId: order.orderId, customerId: order.customerId, status: order.status, deviceSerial: order.deviceSerial } };
    }
    default:
      throw new DomainError('payment_mode_invalid', "payment.mode: must be 'coupons', 'pay_after' or 'desk_sale'", 'invalid', 'payment.mode');
  }
}

/** Releases the renewal's hold on these coupons (each only if this renewal holds it). */
async function releaseCoupons(deps: SalesDeps, renewalId: string, couponIds: readonly string[], reason: string, ctx: CommandContext): Promise<number[]> {
  const positions: number[] = [];
  for (const couponId of couponIds) {
    const released = await handleCommand<CouponState, CouponEvent>(deps, couponStream(couponId), couponAggregate, (s) =>
      releaseCoupon({ renewalId, reason, at: deps.clock().toISOString() }, s),
    ctx);
    positions.push(released.position);
  }
  return positions;
}

/** Takes the device for this renewal: a second renewal of the same device at once is refused (409). */
async function claimDevice(deps: SalesDeps, deviceSerial: string, renewalId: string, ctx: CommandContext): Promise<number> {
  const stream = deviceRenewalStreamOf(deviceSerial);
  const seen = (await loadAggregate(deps, stream, deviceRenewalAggregate)).state;
  const holderState =
    seen.holder === null || seen.holder === renewalId ? null : (await loadAggregate(deps, renewalStream(seen.holder), renewalAggregate)).state.status;
  const claimed = await handleCommand(deps, stream, deviceRenewalAggregate, (s) =>
    // Another holder than the one looked at (a race): treated as a renewal in progress.
    claimDeviceRenewal({ deviceSerial, renewalId, at: deps.clock().toISOString(), holderState: s.holder === seen.holder ? holderState : null }, s),
  ctx);
  return claimed.position;
}

async function releaseDevice(deps: SalesDeps, deviceSerial: string, renewalId: string, ctx: CommandContext): Promise<number> {
  const released = await handleCommand(deps, deviceRenewalStreamOf(deviceSerial), deviceRenewalAggregate, (s) =>
    releaseDeviceRenewal({ deviceSerial, renewalId, at: deps.clock().toISOString() }, s),
  ctx);
  return released.position;
}

/**
 * A coupon held by a renewal that will never give it back: abandoned without the release (a crash
 * between the two), or never started long after the hold (a start that crashed half-way). Such a
 * hold is released, so the coupon is not lost to its owner.
 */
async function freeStaleHold(deps: SalesDeps, couponId: string, renewalId: string, ctx: CommandContext): Promise<void> {
  const { state: coupon } = await loadAggregate(deps, couponStream(couponId), couponAggregate);
  const hold = coupon.status === 'issued' ? coupon.reservation : null;
  if (hold === null || hold.renewalId === renewalId) return;
  const holder = (await loadAggregate(deps, renewalStream(hold.renewalId), renewalAggregate)).state.status;
  const stale = holder === 'abandoned' || (holder === 'none' && deps.clock().getTime() - Date.parse(hold.reservedAt) > UNSTARTED_CLAIM_MS);
  if (stale) await releaseCoupons(deps, hold.renewalId, [couponId], holder === 'abandoned' ? 'its renewal was abandoned' : 'its renewal never started', ctx);
}

/** Starts a renewal (see the top of this file). The same renewalId again answers the renewal started. */
export async function startRenewal(deps: SalesDeps, input: StartRenewalInput, ctx: CommandContext): Promise<RenewalResult & { started: boolean }> {
  const { renewalId } = input;
  const existing = (await loadAggregate(deps, renewalStream(renewalId), renewalAggregate)).state;
  if (existing.status !== 'none') return { position: 0, renewalId, renewal: existing, started: false };

  const device = await loadDevice(deps, input.deviceSerial);
  const policy = await policyForIssuer(deps, device.issuer);
  const payment = await resolvePayment(deps, input);
  const command = (): StartRenewal => ({
    renewalId,
    device,
    policy,
    certificates: input.certificates ?? [],
    partialReason: input.partialReason ?? null,
    payment,
    channel: input.channel ?? 'desk',
    startedBy: ctx.actor.userId,
    at: deps.clock().toISOString(),
  });
  // Everything the start decides, checked before any coupon is held.
  decideStart(command(), renewalAggregate.initialState());

  const toHold =
    payment.mode === 'coupons' ? payment.coupons : payment.mode === 'desk_sale' ? await orderCoupons(deps, payment.order.orderId, input.certificates) : [];
  // The device is taken only once nothing but holding the coupons can refuse the start.
  const positions: number[] = [await claimDevice(deps, device.serial, renewalId, ctx)];
  const reserved: string[] = [];
  const holdField = (i: number) => (payment.mode === 'coupons' ? `payment.coupons.${i}` : 'payment.orderId');
  {
    for (const [i, { couponId, certificateKind }] of toHold.entries()) {
      try {
        await freeStaleHold(deps, couponId, renewalId, ctx);
        const done = await handleCommand<CouponState, CouponEvent>(deps, couponStream(couponId), couponAggregate, (s) =>
          reserveCoupon({ renewalId, deviceSerial: device.serial, certificateKind, at: deps.clock().toISOString() }, s),
        ctx);
        positions.push(done.position);
        reserved.push(couponId);
      } catch (error) {
        await releaseCoupons(deps, renewalId, reserved, 'the renewal could not start', ctx);
        await releaseDevice(deps, device.serial, renewalId, ctx);
        throw onField(error, holdField(i));
      }
    }
  }
  try {
    const recorded = await handleCommand(deps, renewalStream(renewalId), renewalAggregate, (s) => decideStart(command(), s), ctx);
    positions.push(recorded.position);
    return { position: lastPosition(...positions), renewalId, renewal: recorded.state as Renewal, started: true };
  } catch (error) {
    // Started meanwhile by a concurrent attempt with the same id: that start stands.
    const now = (await loadAggregate(deps, renewalStream(renewalId), renewalAggregate)).state;
    if (now.status !== 'none') return { position: lastPosition(...positions), renewalId, renewal: now, started: false };
    await releaseCoupons(deps, renewalId, reserved, 'the renewal could not start', ctx);
    await releaseDevice(deps, device.serial, renewalId, ctx);
    throw error;
  }
}

async function onRenewal(
  deps: SalesDeps,
  renewalId: string,
  decide: (state: Parameters<typeof decideStep>[1]) => ReturnType<typeof decideStep>,
  ctx: CommandContext,
): Promise<RenewalResult> {
  const done = await handleCommand(deps, renewalStream(renewalId), renewalAggregate, (state) => {
    if (state.status === 'none') throw notFound('renewal', renewalId);
    return decide(state);
  }, ctx);
  return { position: done.position, renewalId, renewal: done.state as Renewal };
}

export async function recordRenewalStep(
  deps: SalesDeps,
  input: { renewalId: string; certificateKind: DeviceCertificateKind; step: RenewalStep; certificate?: IssuedCertificate | null | undefined },
  ctx: CommandContext,
): Promise<RenewalResult> {
  return onRenewal(deps, input.renewalId, (s) =>
    decideStep({ certificateKind: input.certificateKind, step: input.step, certificate: input.certificate ?? null, recordedBy: ctx.actor.userId, at: deps.clock().toISOString() }, s),
  ctx);
}

export async function failRenewal(
  deps: SalesDeps,
  input: { renewalId: string; certificateKind?: DeviceCertificateKind | null | undefined; reason: string },
  ctx: CommandContext,
): Promise<RenewalResult> {
  return onRenewal(deps, input.renewalId, (s) => decideFailure({ certificateKind: input.certificateKind ?? null, reason: input.reason, at: deps.clock().toISOString() }, s), ctx);
}

export async function resumeRenewal(deps: SalesDeps, input: { renewalId: string }, ctx: CommandContext): Promise<RenewalResult> {
  return onRenewal(deps, input.renewalId, (s) => decideResume({ resumedBy: ctx.actor.userId, at: deps.clock().toISOString() }, s), ctx);
}

/** Completes the renewal (see the top of this file); a retry finishes what a crash left undone. */
export async function completeRenewal(deps: SalesDeps, input: { renewalId: string }, ctx: CommandContext, hooks: RenewalHooks = {}): Promise<RenewalResult> {
  const renewal = await getRenewal(deps, input.renewalId);
  const at = () => deps.clock().toISOString();
  // Refusals first, before anything is redeemed or renewed: not completable, or the device refuses.
  if (renewal.status !== 'completed') decideCompletion({ completedBy: ctx.actor.userId, at: at() }, renewal);
  const certificates = certificatesToInstall(renewal);
  const device = await loadDevice(deps, renewal.deviceSerial);
  for (const c of certificates) renewCertificate({ ...c, renewalId: renewal.renewalId, at: at() }, device);

  const positions: number[] = [];
  for (const { couponId, certificateKind } of await heldCoupons(deps, renewal)) {
    const redeemed = await handleCommand<CouponState, CouponEvent>(deps, couponStream(couponId), couponAggregate, (s) =>
      redeemCoupon({ deviceSerial: renewal.deviceSerial, certificateKind, renewalId: renewal.renewalId, at: at() }, s),
    ctx);
    positions.push(redeemed.position);
  }
  await hooks.afterStep?.('coupons_redeemed', renewal.renewalId);
  for (const c of certificates) {
    const renewed = await handleCommand(deps, deviceStream(renewal.deviceSerial), deviceAggregate, (s) =>
      renewCertificate({ kind: c.kind, serialNumber: c.serialNumber, validFrom: c.validFrom, validUntil: c.validUntil, renewalId: renewal.renewalId, at: at() }, s),
    ctx);
    positions.push(renewed.position);
  }
  await hooks.afterStep?.('certificates_renewed', renewal.renewalId);
  const completed = await onRenewal(deps, renewal.renewalId, (s) => decideCompletion({ completedBy: ctx.actor.userId, at: at() }, s), ctx);
  const released = await releaseDevice(deps, renewal.deviceSerial, renewal.renewalId, ctx);
  return { ...completed, position: lastPosition(...positions, completed.position, released) };
}

/** Abandons the renewal, then gives its coupons back. */
export async function abandonRenewal(deps: SalesDeps, input: { renewalId: string; reason: string }, ctx: CommandContext): Promise<RenewalResult> {
  const abandoned = await onRenewal(deps, input.renewalId, (s) => decideAbandon({ reason: input.reason, abandonedBy: ctx.actor.userId, at: deps.clock().toISOString() }, s), ctx);
  const couponIds = (await heldCoupons(deps, abandoned.renewal)).map((c) => c.couponId);
  const positions = await releaseCoupons(deps, input.renewalId, couponIds, `renewal abandoned: ${abandoned.renewal.abandonment?.reason ?? input.reason}`.slice(0, 500), ctx);
  positions.push(await releaseDevice(deps, abandoned.renewal.deviceSerial, input.renewalId, ctx));
  return { ...abandoned, position: lastPosition(abandoned.position, ...positions) };
}
