// The running of the back office that the audit trail keeps (stream `parked-event-replays`): an
// admin handing out again the events a reactor's persistent-subscription group parked after they
// failed on every retry (issue #21; server/features/operations/parkedEvents.ts). The work those
// events cause is then done, and recorded, as any other.
import { z } from 'zod';
import { eventShape, type EventOf } from '../shared/events';

export const PARKED_EVENT_REPLAYS_STREAM = 'parked-event-replays';

export const parkedEventsReplayed = eventShape(
  'ParkedEventsReplayed',
  z.object({
    /** The reactor, and its group on the event store. */
    reactor: z.string().min(1),
    group: z.string().min(1),
    /** Events the group held before the replay; null when the store could not say. */
    parked: z.number().int().nonnegative().nullable(),
    replayedBy: z.string().min(1),
    replayedAt: z.iso.datetime(),
  }),
);

export const operationsEventShapes = [parkedEventsReplayed];
export type OperationsEvent = EventOf<typeof parkedEventsReplayed>;
