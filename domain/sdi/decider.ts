// The SdI's receipts of one document (stream `sdi-<documentKind>-<documentId>`): each receipt is
// recorded once, by its MessageId (the SdI's own id of the message), so uploading the same receipt
// again — by mistake, or in a batch that overlaps an earlier one — changes nothing.
import { instantOf } from '../shared/utcTime';
import { conflict } from '../shared/errors';
import type { SdiEvent, SdiReceiptKind } from './events';

export { sdiStreamOf as streamOf } from './events';

type Receipt = SdiEvent['data'];

export interface SdiState {
  /** MessageId → the receipt recorded under it. */
  receipts: ReadonlyMap<string, Receipt>;
}

export const sdiAggregate = {
  initialState: (): SdiState => ({ receipts: new Map() }),
  evolve: (state: SdiState, event: SdiEvent): SdiState => ({ receipts: new Map(state.receipts).set(event.data.messageId, event.data) }),
};

export type RecordSdiReceipt = Receipt;

/**
 * The receipt's event, or none when this MessageId was recorded already. The same MessageId with
 * another content (another kind or file) is not a repeat but a mistake: refused.
 */
export function recordSdiReceipt(command: RecordSdiReceipt, state: SdiState): SdiEvent[] {
  instantOf(command.recordedAt, 'recordedAt');
  const earlier = state.receipts.get(command.messageId);
  if (earlier) {
    if (earlier.receipt !== command.receipt || earlier.fileName !== command.fileName || earlier.sdiIdentifier !== command.sdiIdentifier) {
      throw conflict('sdi_message_id_reused', `receipt MessageId ${command.messageId} was recorded before as a ${earlier.receipt} for ${earlier.fileName}`);
    }
    return [];
  }
  return [{ type: 'SdiReceiptRecorded', data: command }];
}

export const sdiStates = ['awaiting', 'delivered', 'rejected', 'not_delivered'] as const;
export type SdiDocumentState = (typeof sdiStates)[number];

const stateOfReceipt: Record<SdiReceiptKind, SdiDocumentState> = { RC: 'delivered', NS: 'rejected', MC: 'not_delivered' };

/**
 * The document's SdI state: its latest receipt by the SdI's reception time (a corrected file sent
 * after a rejection gets its own, later receipt); on equal times the one recorded last; none: awaiting.
 */
export function sdiStateOf(receipts: readonly Pick<Receipt, 'receipt' | 'receivedAt'>[]): SdiDocumentState {
  let latest: Pick<Receipt, 'receipt' | 'receivedAt'> | null = null;
  for (const r of receipts) if (latest === null || r.receivedAt >= latest.receivedAt) latest = r;
  return latest === null ? 'awaiting' : stateOfReceipt[latest.receipt];
}
