// Replacement requests (stream `replacement-<requestId>`): a new device for a holder whose card is
// past its deadline, lost, stolen or broken. An operator opens it with the reason; a supervisor
// other than the one who opened it approves or rejects it with a note. On approval the new device
// is ordered and invoiced, registered for the same holder and personalised; the old device's
// certificates are revoked and the old device terminated.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';
import { deviceSerialPattern } from '../devices/events';

export const replacementReasons = ['deadline_passed', 'lost', 'stolen', 'broken'] as const;
export type ReplacementReason = (typeof replacementReasons)[number];

export const replacementRequested = eventShape(
  'ReplacementRequested',
  z.object({
    requestId: z.string().min(1),
    deviceSerial: z.string().regex(deviceSerialPattern),
    holderCodiceFiscale: z.string().regex(/^[A-Z0-9]{16}$/),
    /** Who buys the new device (the order's customer). */
    customerId: z.string().min(1),
    reason: z.enum(replacementReasons),
    note: z.string(),
    /** The catalogue product of the new device. */
    productCode: z.string().min(1),
    requestedBy: z.string().min(1),
    requestedAt: z.iso.datetime(),
  }),
);

export const replacementApproved = eventShape(
  'ReplacementApproved',
  z.object({ requestId: z.string().min(1), note: z.string().min(1), approvedBy: z.string().min(1), approvedAt: z.iso.datetime() }),
);

export const replacementRejected = eventShape(
  'ReplacementRejected',
  z.object({ requestId: z.string().min(1), note: z.string().min(1), rejectedBy: z.string().min(1), rejectedAt: z.iso.datetime() }),
);

export const replacementOrderPlaced = eventShape(
  'ReplacementOrderPlaced',
  z.object({ requestId: z.string().min(1), orderId: z.string().min(1), orderedAt: z.iso.datetime() }),
);

/** The new device registered for the holder and personalised (at the kiosk, or recorded by hand). */
export const replacementDeviceIssued = eventShape(
  'ReplacementDeviceIssued',
  z.object({ requestId: z.string().min(1), newDeviceSerial: z.string().regex(deviceSerialPattern), issuedBy: z.string().min(1), issuedAt: z.iso.datetime() }),
);

/** The old device's certificates revoked and the device terminated: the request is done. */
export const replacementCompleted = eventShape(
  'ReplacementCompleted',
  z.object({ requestId: z.string().min(1), completedAt: z.iso.datetime() }),
);

export const replacementEventShapes = [
  replacementRequested,
  replacementApproved,
  replacementRejected,
  replacementOrderPlaced,
  replacementDeviceIssued,
  replacementCompleted,
];

export type ReplacementEvent =
  | EventOf<typeof replacementRequested>
  | EventOf<typeof replacementApproved>
  | EventOf<typeof replacementRejected>
  | EventOf<typeof replacementOrderPlaced>
  | EventOf<typeof replacementDeviceIssued>
  | EventOf<typeof replacementCompleted>;
