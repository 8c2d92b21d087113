// Replacement cards (stream `replacement-<requestId>`): the desk opens a request, another supervisor
// approves or rejects it, and the approval's process runs in steps, each safe to repeat:
//
//   approval  (runApproval: on approval, and again by the ReplacementProcessReactor after a crash)
//     1. the order for the new device: orderId derived from the requestId, one line of the
//        request's product (a catalogue product of kind 'device'), placed for the request's
//        customer as a direct order with an RF reference. It is paid by bank transfer with the RF
//        reference, or at the desk when the holder collects the new card (the existing desk
//        payment, POST /api/orders/:id/desk-payment); the existing fulfilment invoices it once paid.
//        The new card is not held back for the payment: the holder needs a working card, and the
//        unpaid order is listed like any other (and expires like any other).
//     2. a lost or stolen card: its certificates revoked now (keyCompromise when stolen,
//        superseded when lost) and the device marked lost. Whoever has the card could sign with it
//        until the new one is ready, so the revocation does not wait for it.
//     3. ReplacementOrderPlaced (the approval's steps are done).
//   the new device  (recordReplacementDevice: recorded by hand for now; the kiosk will do it)
//     4. the new device registered for the same holder (the existing registration, issuer of the
//        old device), then ReplacementDeviceIssued;
//   completion  (finishReplacement: after 4, and again by the reactor)
//     5. the old device's certificates revoked (superseded, keyCompromise when stolen) where not yet,
//     6. the old device terminated with replacedBy = the new serial,
//     7. ReplacementCompleted.
// One open request per device: request ids are derived from the device's serial and a counter
// (`replacement-<derivedId(serial, n)>`); a request is opened on the first id whose stream does not
// exist, so two desks opening one for the same device at once land on the same stream and the
// second is refused.
import type { CommandContext } from '../../../events/eventCatalogue';
import { orderableProduct } from '../../../domain/catalogue/decider';
import { REPLACEMENT_CARD_PRODUCT } from '../../../domain/catalogue/decider';
import { taxCodeClaimStreamOf } from '../../../domain/customers/decider';
import { deviceAggregate, streamOf as deviceStream, type CertificateInput, type RegisteredDevice } from '../../../domain/devices/decider';
import type { DeviceKind } from '../../../domain/devices/events';
import type { ReplacementEvent, ReplacementReason } from '../../../domain/replacements/events';
import {
  approveReplacement,
  completeReplacement,
  isOpen,
  recordReplacementDevice as decideDeviceIssued,
  recordReplacementOrder,
  rejectReplacement,
  replacementAggregate,
  requestReplacement,
  revocationReasonOf,
  revokesAtApproval,
  streamOf as replacementStream,
  type ReplacementRequest,
  type ReplacementState,
} from '../../../domain/replacements/decider';
import { romeDayOf } from '../../../domain/shared/romeCalendar';
import { DomainError, conflict, notFound, refuse } from '../../../domain/shared/errors';
import { normaliseDeviceSerial } from '../../../domain/shared/deviceSerial';
import { handleCommand, loadAggregate } from '../../commands/handle';
import { policyForIssuer } from '../certificates/policies';
import { getProduct } from '../catalogue/service';
import { getCustomer } from '../customers/service';
import { lastPosition, type SalesDeps } from '../deps';
import { changeDeviceStatusAtDesk, revokeDeviceCertificates, terminateDevice } from '../devices/life';
import { registerDevice } from '../devices/service';
import { derivedId } from '../ids';
import { getOrder, placeOrder } from '../orders/service';

export const replacementIds = {
  /** The n-th request (0-based) ever opened for the device. */
  request: (serial: string, n: number) => derivedId('replacement-request', normaliseDeviceSerial(serial), n),
  order: (requestId: string) => derivedId('replacement-order', requestId),
};

export interface ReplacementResult {
  position: number;
  requestId: string;
  request: ReplacementRequest;
}

async function loadRequest(deps: Pick<SalesDeps, 'store' | 'catalogue'>, requestId: string): Promise<ReplacementState> {
  return (await loadAggregate(deps, replacementStream(requestId), replacementAggregate)).state;
}

export async function getReplacementRequest(deps: Pick<SalesDeps, 'store' | 'catalogue'>, requestId: string): Promise<ReplacementRequest> {
  const state = await loadRequest(deps, requestId);
  if (state.status === 'none') throw notFound('replacement_request', requestId);
  return state;
}

async function decide(
  deps: SalesDeps,
  requestId: string,
  ctx: CommandContext,
  decision: (state: ReplacementState) => ReplacementEvent[],
): Promise<ReplacementResult & { changed: boolean }> {
  const result = await handleCommand(deps, replacementStream(requestId), replacementAggregate, decision, ctx);
  return { position: result.position || (await headOf(deps, requestId)), requestId, request: result.state as ReplacementRequest, changed: result.events.length > 0 };
}

/**
 * The position of the request's last event. A step another worker (the reactor) did first appends
 * nothing here, yet the answer must wait for the read models to show it: each step's events come
 * before the request's event that records it, so waiting for that one is enough.
 */
async function headOf(deps: Pick<SalesDeps, 'store'>, requestId: string): Promise<number> {
  const recorded = await deps.store.readStream(replacementStream(requestId));
  return recorded.length > 0 ? recorded[recorded.length - 1]!.position : 0;
}

/** The catalogue product of a new device, on sale. */
async function deviceProduct(deps: SalesDeps, code: string) {
  const productCode = code.trim().toUpperCase();
  const product = orderableProduct(await getProduct(deps, productCode), productCode);
  if (product.kind !== 'device') {
    throw refuse('product_not_device', `productCode: ${product.code} (${product.description}) is not a device: a replacement orders a new device`, 'productCode');
  }
  return product;
}

/** The device's open request, and the id the next request would take. */
async function requestSlots(deps: SalesDeps, serial: string): Promise<{ openRequestId: string | null; nextId: string }> {
  for (let n = 0; ; n++) {
    const id = replacementIds.request(serial, n);
    const state = await loadRequest(deps, id);
    if (state.status === 'none') return { openRequestId: null, nextId: id };
    if (isOpen(state)) return { openRequestId: id, nextId: id };
  }
}

/** The customer registered under the holder's codice fiscale, if any. */
async function customerOfHolder(deps: SalesDeps, codiceFiscale: string): Promise<string | null> {
  const [claim] = await deps.store.readStream(taxCodeClaimStreamOf(codiceFiscale));
  return claim ? (deps.catalogue.decode(claim).data as { customerId: string }).customerId : null;
}

export interface OpenReplacementInput {
  deviceSerial: string;
  reason: ReplacementReason;
  note?: string | undefined;
  /** Who buys the new device; default the customer registered with the holder's codice fiscale. */
  customerId?: string | undefined;
  /** A catalogue product of kind 'device'; default CARTA-SOST. */
  productCode?: string | undefined;
}

/** Opens a replacement request for a device (the desk). */
export async function openReplacementRequest(deps: SalesDeps, input: OpenReplacementInput, ctx: CommandContext): Promise<ReplacementResult & { opened: boolean }> {
  const serial = normaliseDeviceSerial(input.deviceSerial ?? '');
  const device = (await loadAggregate(deps, deviceStream(serial), deviceAggregate)).state;
  if (device.status !== 'registered') throw new DomainError('device_not_found', `device ${serial} not found`, 'not_found', 'deviceSerial');
  const policy = await policyForIssuer(deps, device.issuer);

  const customerId = input.customerId ?? (await customerOfHolder(deps, device.holderCodiceFiscale));
  if (!customerId) {
    throw refuse('customer_required', `customerId: the holder ${device.holderCodiceFiscale} is not a registered customer; register them or name who buys the new device`, 'customerId');
  }
  try {
    await getCustomer(deps, customerId);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') throw new DomainError(error.code, error.message, 'not_found', 'customerId');
    throw error;
  }
  const product = await deviceProduct(deps, input.productCode ?? REPLACEMENT_CARD_PRODUCT);

  const { openRequestId, nextId } = await requestSlots(deps, serial);
  try {
    const result = await decide(deps, nextId, ctx, (state) =>
      requestReplacement(
        {
          requestId: nextId,
          device,
          rule: policy,
          openRequestId,
          customerId,
          reason: input.reason,
          note: input.note,
          productCode: product.code,
          requestedBy: ctx.actor.userId,
          at: deps.clock().toISOString(),
        },
        state,
      ),
    );
    const { changed, ...answer } = result;
    return { ...answer, opened: changed };
  } catch (error) {
    // Another desk opened one for the device at the same moment, on the same id.
    if (error instanceof DomainError && error.code === 'replacement_exists') {
      throw conflict('replacement_already_open', `device ${serial} already has an open replacement request (${nextId})`);
    }
    throw error;
  }
}

/** Approves a pending request (a supervisor other than the opener), then runs the approval's steps. */
export async function approveReplacementRequest(deps: SalesDeps, input: { requestId: string; note: string }, ctx: CommandContext): Promise<ReplacementResult> {
  // What the order will need, checked before the approval is recorded: an approval whose order
  // cannot be placed (the product withdrawn meanwhile) would be half done.
  const pending = await getReplacementRequest(deps, input.requestId);
  if (pending.status === 'pending') await deviceProduct(deps, pending.productCode);
  const approved = await decide(deps, input.requestId, ctx, (state) =>
    approveReplacement({ requestId: input.requestId, note: input.note, by: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
  const steps = await runApproval(deps, input.requestId, ctx);
  return { ...steps, position: lastPosition(approved.position, steps.position) };
}

/** Turns a pending request down with a note (a supervisor other than the opener). */
export function rejectReplacementRequest(deps: SalesDeps, input: { requestId: string; note: string }, ctx: CommandContext): Promise<ReplacementResult> {
  return decide(deps, input.requestId, ctx, (state) =>
    rejectReplacement({ requestId: input.requestId, note: input.note, by: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
}

// ---------------------------------------------------------------------------------------------
// The old device: revoked, marked lost, terminated (the devices area's services)
// ---------------------------------------------------------------------------------------------

async function revokeOldCertificates(deps: SalesDeps, request: ReplacementRequest, ctx: CommandContext): Promise<number> {
  const result = await revokeDeviceCertificates(deps, request.deviceSerial, revocationReasonOf(request.reason), { replacementRequestId: request.requestId }, ctx);
  return result.position;
}

/** A lost or stolen card, still active, marked lost (anything else is left as it is). */
async function markOldDeviceLost(deps: SalesDeps, request: ReplacementRequest, ctx: CommandContext): Promise<number> {
  const { state } = await loadAggregate(deps, deviceStream(request.deviceSerial), deviceAggregate);
  if (state.status !== 'registered' || state.deviceStatus !== 'active') return 0;
  const reason = `${request.reason === 'stolen' ? 'rubato' : 'smarrito'}: richiesta di sostituzione ${request.requestId}`;
  try {
    return (await changeDeviceStatusAtDesk(deps, request.deviceSerial, { to: 'lost', reason }, ctx)).position;
  } catch (error) {
    // Moved meanwhile (suspended or terminated by someone else): termination follows anyway.
    if (error instanceof DomainError && error.code === 'device_status_move_invalid') return 0;
    throw error;
  }
}

async function terminateOldDevice(deps: SalesDeps, request: ReplacementRequest, ctx: CommandContext): Promise<number> {
  const reason = `sostituito da ${request.newDeviceSerial} (richiesta di sostituzione ${request.requestId})`;
  return (await terminateDevice(deps, request.deviceSerial, { reason, replacedBy: request.newDeviceSerial }, ctx)).position;
}

// ---------------------------------------------------------------------------------------------
// The approval's steps (idempotent)
// ---------------------------------------------------------------------------------------------

/** Places the order for the new device once (a concurrent attempt with the same id is taken as done). */
async function placeReplacementOrder(deps: SalesDeps, request: ReplacementRequest, ctx: CommandContext): Promise<{ orderId: string; position: number }> {
  const orderId = replacementIds.order(request.requestId);
  try {
    const placed = await placeOrder(
      deps,
      {
        orderId,
        customerId: request.customerId,
        choice: 'manual',
        lines: [{ productCode: request.productCode, quantity: 1 }],
        payment: { mode: 'direct', method: 'bank_transfer' },
      },
      ctx,
    );
    return { orderId, position: placed.position };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'order_exists') {
      await getOrder(deps, orderId);
      return { orderId, position: 0 };
    }
    throw error;
  }
}

/** The approval's steps: the order, a lost or stolen card revoked, ReplacementOrderPlaced. Safe to repeat. */
export async function runApproval(deps: SalesDeps, requestId: string, ctx: CommandContext): Promise<ReplacementResult> {
  const request = await getReplacementRequest(deps, requestId);
  if (request.status === 'pending' || request.status === 'rejected') return { position: 0, requestId, request };
  if (request.orderId !== null) return { position: await headOf(deps, requestId), requestId, request };
  const positions: number[] = [];
  const order = await placeReplacementOrder(deps, request, ctx);
  positions.push(order.position);
  if (revokesAtApproval(request.reason)) {
    positions.push(await revokeOldCertificates(deps, request, ctx));
    positions.push(await markOldDeviceLost(deps, request, ctx));
  }
  const recorded = await decide(deps, requestId, ctx, (state) => recordReplacementOrder({ requestId, orderId: order.orderId, at: deps.clock().toISOString() }, state));
  return { ...recorded, position: lastPosition(...positions, recorded.position) };
}

/** Completion: the old device's certificates revoked, the old device terminated, ReplacementCompleted. Safe to repeat. */
export async function finishReplacement(deps: SalesDeps, requestId: string, ctx: CommandContext): Promise<ReplacementResult> {
  const request = await getReplacementRequest(deps, requestId);
  if (request.newDeviceSerial === null) return { position: 0, requestId, request };
  if (request.status === 'completed') return { position: await headOf(deps, requestId), requestId, request };
  const positions = [await revokeOldCertificates(deps, request, ctx), await terminateOldDevice(deps, request, ctx)];
  const completed = await decide(deps, requestId, ctx, (state) => completeReplacement({ requestId, at: deps.clock().toISOString() }, state));
  return { ...completed, position: lastPosition(...positions, completed.position) };
}

export interface RecordNewDeviceInput {
  requestId: string;
  serial: string;
  /** Default: the old device's kind. */
  kind?: DeviceKind | undefined;
  /** `YYYY-MM-DD`; default today (Europe/Rome). */
  issuedOn?: string | undefined;
  certificates: CertificateInput[];
}

/**
 * The new device, personalised at the desk and recorded by hand: registered for the request's
 * holder (issuer of the old device), recorded on the request, then the old device revoked and
 * terminated and the request completed. Repeating it with the same device finishes what is left.
 */
export async function recordReplacementDevice(deps: SalesDeps, input: RecordNewDeviceInput, ctx: CommandContext): Promise<ReplacementResult & { newDevice: RegisteredDevice }> {
  let request = await getReplacementRequest(deps, input.requestId);
  if (request.status === 'pending' || request.status === 'rejected') {
    throw refuse('replacement_not_approved', `replacement request ${request.requestId} is ${request.status}: only an approved request gets a new device`);
  }
  const serial = normaliseDeviceSerial(input.serial ?? '');
  if (request.newDeviceSerial !== null && request.newDeviceSerial !== serial) {
    throw conflict('replacement_device_exists', `replacement request ${request.requestId} already issued device ${request.newDeviceSerial}`);
  }
  if (serial === request.deviceSerial) throw refuse('replacement_device_same', `the new device must not be the old one (${serial})`, 'serial');
  const positions: number[] = [];
  if (request.orderId === null) {
    const steps = await runApproval(deps, request.requestId, ctx);
    positions.push(steps.position);
    request = steps.request;
  }
  const old = (await loadAggregate(deps, deviceStream(request.deviceSerial), deviceAggregate)).state as RegisteredDevice;
  const existing = (await loadAggregate(deps, deviceStream(serial), deviceAggregate)).state;
  if (existing.status === 'registered') {
    // A retry after the registration, or a device registered by someone else.
    if (existing.holderCodiceFiscale !== request.holderCodiceFiscale || (request.newDeviceSerial === null && existing.registeredAt < (request.decidedAt ?? ''))) {
      throw new DomainError('device_already_registered', `serial: device ${serial} is already registered`, 'conflict', 'serial');
    }
  } else {
    const registered = await registerDevice(
      deps,
      {
        serial,
        kind: input.kind ?? old.kind,
        issuer: old.issuer,
        issuedOn: input.issuedOn ?? romeDayOf(deps.clock()),
        holderCodiceFiscale: request.holderCodiceFiscale,
        certificates: input.certificates,
      },
      ctx,
    );
    positions.push(registered.position);
  }
  const issued = await decide(deps, request.requestId, ctx, (state) =>
    decideDeviceIssued({ requestId: request.requestId, newDeviceSerial: serial, issuedBy: ctx.actor.userId, at: deps.clock().toISOString() }, state),
  );
  positions.push(issued.position);
  const finished = await finishReplacement(deps, request.requestId, ctx);
  const newDevice = (await loadAggregate(deps, deviceStream(serial), deviceAggregate)).state as RegisteredDevice;
  return { ...finished, position: lastPosition(...positions, finished.position), newDevice };
}
