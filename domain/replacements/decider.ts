// Replacement requests (stream `replacement-<requestId>`): a new device for a holder whose card is
// past its renewal deadline, lost, stolen or broken.
//
//   requested (by the desk, with the reason)
//     → approved or rejected with a note, by a supervisor other than the one who opened it (four eyes)
//     → the approval's process, recorded step by step:
//         ReplacementOrderPlaced   the order for the new device (a catalogue product of kind 'device')
//         ReplacementDeviceIssued  the new device registered for the same holder and personalised
//         ReplacementCompleted     the old device's certificates revoked, the old device terminated
//
// A request is open from when it is requested until it is rejected or completed; a device has at
// most one open request (the service finds it, see `openRequestId` below).
// A lost or stolen card's certificates are revoked at approval, before the new card exists: whoever
// holds the card could sign with it meanwhile. A card past its deadline (or broken) keeps them until
// the new card is issued: they cannot be renewed anyway, and revoking them is the last step.
import type { WindowRule, WindowState } from '../certificates/renewalWindow';
import { windowOf, windowState } from '../certificates/renewalWindow';
import type { DeviceState } from '../devices/decider';
import type { RevocationReason } from '../devices/events';
import { deviceSerialPattern } from '../devices/events';
import type { Decider } from '../shared/decider';
import { normaliseDeviceSerial } from '../shared/deviceSerial';
import { DomainError, conflict, invalid, notFound, refuse } from '../shared/errors';
import { instantOf } from '../shared/utcTime';
import type { ReplacementEvent, ReplacementReason } from './events';
import { replacementReasons } from './events';

export const streamOf = (requestId: string): string => `replacement-${requestId}`;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

export const replacementStatuses = ['pending', 'approved', 'rejected', 'completed'] as const;
export type ReplacementStatus = (typeof replacementStatuses)[number];

export interface ReplacementRequest {
  status: ReplacementStatus;
  requestId: string;
  deviceSerial: string;
  holderCodiceFiscale: string;
  customerId: string;
  reason: ReplacementReason;
  note: string;
  productCode: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  orderId: string | null;
  orderedAt: string | null;
  newDeviceSerial: string | null;
  issuedBy: string | null;
  issuedAt: string | null;
  completedAt: string | null;
}

export type ReplacementState = { status: 'none' } | ReplacementRequest;

export const initialState = (): ReplacementState => ({ status: 'none' });

export function evolve(state: ReplacementState, event: ReplacementEvent): ReplacementState {
  if (event.type === 'ReplacementRequested') {
    const d = event.data;
    return {
      status: 'pending',
      ...d,
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      orderId: null,
      orderedAt: null,
      newDeviceSerial: null,
      issuedBy: null,
      issuedAt: null,
      completedAt: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ReplacementApproved':
      return { ...state, status: 'approved', decidedBy: event.data.approvedBy, decidedAt: event.data.approvedAt, decisionNote: event.data.note };
    case 'ReplacementRejected':
      return { ...state, status: 'rejected', decidedBy: event.data.rejectedBy, decidedAt: event.data.rejectedAt, decisionNote: event.data.note };
    case 'ReplacementOrderPlaced':
      return { ...state, orderId: event.data.orderId, orderedAt: event.data.orderedAt };
    case 'ReplacementDeviceIssued':
      return { ...state, newDeviceSerial: event.data.newDeviceSerial, issuedBy: event.data.issuedBy, issuedAt: event.data.issuedAt };
    case 'ReplacementCompleted':
      return { ...state, status: 'completed', completedAt: event.data.completedAt };
    default:
      return state;
  }
}

export const replacementAggregate: Decider<ReplacementState, ReplacementEvent> = { initialState, evolve };

/** Open: waiting for a decision, or approved and not yet completed. */
export const isOpen = (state: ReplacementState): boolean => state.status === 'pending' || state.status === 'approved';

/** The revocation reason of the old device's certificates (RFC 5280): keyCompromise when stolen. */
export const revocationReasonOf = (reason: ReplacementReason): RevocationReason => (reason === 'stolen' ? 'keyCompromise' : 'superseded');

/** Lost and stolen cards lose their certificates at approval; the others when the new card is issued. */
export const revokesAtApproval = (reason: ReplacementReason): boolean => reason === 'lost' || reason === 'stolen';

// ---------------------------------------------------------------------------------------------
// Open a request
// ---------------------------------------------------------------------------------------------

function noteText(value: string | undefined, field: string, required: boolean): string {
  const v = (value ?? '').trim();
  if (required && v.length < 3) throw invalid(field, 'say why, in at least 3 characters', 'value_required');
  if (v.length > 500) throw invalid(field, `must be at most 500 characters (got ${v.length})`, 'value_too_long');
  return v;
}

function requiredId(value: string | undefined, field: string): string {
  const v = (value ?? '').trim();
  if (v === '') throw invalid(field, 'is required', 'value_required');
  return v;
}

export interface RequestReplacement {
  requestId: string;
  /** The old device as its stream folds it. */
  device: DeviceState;
  /** The window rule of the device's issuer (policyFor(device.issuer, policies)). */
  rule: WindowRule;
  /** The device's open request, if it has one (another request is then refused). */
  openRequestId: string | null;
  customerId: string;
  reason: ReplacementReason;
  note?: string | undefined;
  productCode: string;
  requestedBy: string;
  at: string;
}

/**
 * Opens a request for a new device. The reason `deadline_passed` only when a certificate of the
 * device is past its renewal deadline under its issuer's policy (window `closed`): before that it is
 * renewed, not replaced. Lost, stolen or broken: at any time. A terminated device is refused, and so
 * is a second open request for the same device.
 */
export function requestReplacement(command: RequestReplacement, state: ReplacementState): ReplacementEvent[] {
  const at = instantOf(command.at);
  const requestId = requiredId(command.requestId, 'requestId');
  const device = command.device;
  if (device.status !== 'registered') throw new DomainError('device_not_found', 'device not registered', 'not_found', 'deviceSerial');
  if (state.status !== 'none') {
    // The same request again (a retry) changes nothing; anything else under this id is another request.
    if (state.deviceSerial === device.serial && state.requestedBy === command.requestedBy && state.reason === command.reason) return [];
    throw conflict('replacement_exists', `replacement request ${requestId} already exists`);
  }
  if (command.openRequestId !== null && command.openRequestId !== requestId) {
    throw conflict('replacement_already_open', `device ${device.serial} already has an open replacement request (${command.openRequestId})`);
  }
  if (device.deviceStatus === 'terminated') {
    throw refuse('device_terminated', `device ${device.serial} is terminated${device.replacedBy ? ` (replaced by ${device.replacedBy})` : ''}: it cannot be replaced again`, 'deviceSerial');
  }
  if (!(replacementReasons as readonly string[]).includes(command.reason)) {
    throw invalid('reason', `must be one of ${replacementReasons.join(', ')} (got '${String(command.reason)}')`, 'reason_invalid');
  }
  if (command.reason === 'deadline_passed') {
    const certificates = Object.values(device.certificates);
    const states = certificates.map((c) => ({ c, state: windowState(c, at, command.rule) as WindowState }));
    if (!states.some((s) => s.state === 'closed')) {
      const until = states
        .map(({ c }) => `${c.kind} until ${windowOf(c.validUntil, command.rule).closesAt}`)
        .join(', ');
      throw refuse(
        'replacement_deadline_not_passed',
        `reason: no certificate of device ${device.serial} is past its renewal deadline (${until}): renew it instead, or give another reason`,
        'reason',
      );
    }
  }
  const customerId = requiredId(command.customerId, 'customerId');
  const productCode = requiredId(command.productCode, 'productCode');
  const note = noteText(command.note, 'note', false);
  return [
    {
      type: 'ReplacementRequested',
      data: {
        requestId,
        deviceSerial: device.serial,
        holderCodiceFiscale: device.holderCodiceFiscale,
        customerId,
        reason: command.reason,
        note,
        productCode,
        requestedBy: requiredId(command.requestedBy, 'requestedBy'),
        requestedAt: at,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Decide: approve or reject (four eyes)
// ---------------------------------------------------------------------------------------------

function existing(state: ReplacementState, requestId: string | undefined): ReplacementRequest {
  if (state.status === 'none') throw notFound('replacement_request', requestId ?? '');
  return state;
}

function pending(state: ReplacementState, by: string, verb: 'approve' | 'reject', requestId?: string): ReplacementRequest {
  const request = existing(state, requestId);
  if (request.requestedBy === by) {
    throw refuse('replacement_same_person', `you opened replacement request ${request.requestId}: another supervisor must ${verb} it`);
  }
  return request;
}

export interface DecideReplacement {
  note: string;
  /** The supervisor deciding (the command's actor); never the one who opened the request. */
  by: string;
  at: string;
  requestId?: string;
}

/** Approves a pending request with a note. The same approval again changes nothing. */
export function approveReplacement(command: DecideReplacement, state: ReplacementState): ReplacementEvent[] {
  const at = instantOf(command.at);
  const by = requiredId(command.by, 'approvedBy');
  const request = pending(state, by, 'approve', command.requestId);
  if (request.status !== 'pending') {
    if (request.status !== 'rejected' && request.decidedBy === by) return [];
    throw conflict('replacement_already_decided', `replacement request ${request.requestId} has already been ${request.status === 'rejected' ? 'rejected' : 'approved'} by ${request.decidedBy}`);
  }
  const note = noteText(command.note, 'note', true);
  return [{ type: 'ReplacementApproved', data: { requestId: request.requestId, note, approvedBy: by, approvedAt: at } }];
}

/** Turns a pending request down with a note saying why. The same rejection again changes nothing. */
export function rejectReplacement(command: DecideReplacement, state: ReplacementState): ReplacementEvent[] {
  const at = instantOf(command.at);
  const by = requiredId(command.by, 'rejectedBy');
  const request = pending(state, by, 'reject', command.requestId);
  if (request.status !== 'pending') {
    if (request.status === 'rejected' && request.decidedBy === by) return [];
    throw conflict('replacement_already_decided', `replacement request ${request.requestId} has already been ${request.status === 'rejected' ? 'rejected' : 'approved'} by ${request.decidedBy}`);
  }
  const note = noteText(command.note, 'note', true);
  return [{ type: 'ReplacementRejected', data: { requestId: request.requestId, note, rejectedBy: by, rejectedAt: at } }];
}

// ---------------------------------------------------------------------------------------------
// The approval's process
// ---------------------------------------------------------------------------------------------

function approved(state: ReplacementState, requestId?: string): ReplacementRequest {
  const request = existing(state, requestId);
  if (request.status === 'pending' || request.status === 'rejected') {
    throw refuse('replacement_not_approved', `replacement request ${request.requestId} is ${request.status}: only an approved request goes on`);
  }
  return request;
}

/** Records the order for the new device; the same order again changes nothing, another is refused. */
export function recordReplacementOrder(command: { orderId: string; at: string; requestId?: string }, state: ReplacementState): ReplacementEvent[] {
  const at = instantOf(command.at);
  const request = approved(state, command.requestId);
  const orderId = requiredId(command.orderId, 'orderId');
  if (request.orderId === orderId) return [];
  if (request.orderId !== null) throw conflict('replacement_order_exists', `replacement request ${request.requestId} already has order ${request.orderId}`);
  return [{ type: 'ReplacementOrderPlaced', data: { requestId: request.requestId, orderId, orderedAt: at } }];
}

/**
 * Records the new device, registered for the holder and personalised. Its order comes first; the
 * same device again changes nothing, another device is refused, and so is the old device itself.
 */
export function recordReplacementDevice(
  command: { newDeviceSerial: string; issuedBy: string; at: string; requestId?: string },
  state: ReplacementState,
): ReplacementEvent[] {
  const at = instantOf(command.at);
  const request = approved(state, command.requestId);
  const serial = normaliseDeviceSerial(command.newDeviceSerial ?? '');
  if (!deviceSerialPattern.test(serial)) {
    throw invalid('serial', `device serial must be 4 to 32 letters or digits (got '${command.newDeviceSerial ?? ''}')`, 'serial_invalid');
  }
  if (request.newDeviceSerial === serial) return [];
  if (request.newDeviceSerial !== null) {
    throw conflict('replacement_device_exists', `replacement request ${request.requestId} already issued device ${request.newDeviceSerial}`);
  }
  if (serial === request.deviceSerial) throw refuse('replacement_device_same', `the new device must not be the old one (${serial})`, 'serial');
  if (request.orderId === null) throw refuse('replacement_order_missing', `replacement request ${request.requestId} has no order for the new device yet`);
  return [{ type: 'ReplacementDeviceIssued', data: { requestId: request.requestId, newDeviceSerial: serial, issuedBy: requiredId(command.issuedBy, 'issuedBy'), issuedAt: at } }];
}

/** Completes the request once the new device is issued (the old one revoked and terminated by then). */
export function completeReplacement(command: { at: string; requestId?: string }, state: ReplacementState): ReplacementEvent[] {
  const at = instantOf(command.at);
  const request = approved(state, command.requestId);
  if (request.status === 'completed') return [];
  if (request.newDeviceSerial === null) {
    throw refuse('replacement_device_missing', `replacement request ${request.requestId} has no new device yet`);
  }
  return [{ type: 'ReplacementCompleted', data: { requestId: request.requestId, completedAt: at } }];
}
