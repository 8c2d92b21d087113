// Time travel: read a record's events from the event store (the source of truth, never the read
// models, which only hold the present) and hand them to the pure folds of domain/history.
//
// Which streams make a record:
//   order     order-<id>
//   customer  customer-<id>
//   prepaid   customer-<id> (the account opens with the registration) and prepaid-<id>
//   invoice   invoice-<id>, sdi-invoice-<id> (the SdI's receipts), and credit-note-<id> of every
//             credit note against it, found through what the events say: the invoice names its
//             order, and the order's OrderCouponsRefunded names each credit note.
import { streamOf as customerStream } from '../../../domain/customers/decider';
import type { HistoryEvent, HistoryKind } from '../../../domain/history/recorded';
import { changesBetween, stateAsOf, type Changes, type StateAsOf } from '../../../domain/history/timeTravel';
import { streamOf as creditNoteStream } from '../../../domain/invoicing/creditNote';
import { streamOf as invoiceStream } from '../../../domain/invoicing/decider';
import { streamOf as orderStream } from '../../../domain/orders/decider';
import { streamOf as prepaidStream } from '../../../domain/prepaid/decider';
import { sdiStreamOf } from '../../../domain/sdi/events';
import { notFound } from '../../../domain/shared/errors';
import type { SalesDeps } from '../deps';

type Deps = Pick<SalesDeps, 'store' | 'catalogue'>;

async function read(deps: Deps, stream: string): Promise<HistoryEvent[]> {
  const recorded = await deps.store.readStream(stream);
  return recorded.map((r) => {
    const e = deps.catalogue.decode(r);
    return { stream: r.stream, position: r.position, type: e.type, data: e.data, at: r.created.toISOString() };
  });
}

/** The record's own stream: the one whose absence means "no such record". */
const ownStream: Record<HistoryKind, (id: string) => string> = {
  order: orderStream,
  customer: customerStream,
  prepaid: customerStream,
  invoice: invoiceStream,
};

/** Every event of the record, from all its streams; not_found when it never existed. */
export async function recordEvents(deps: Deps, kind: HistoryKind, id: string): Promise<HistoryEvent[]> {
  const own = await read(deps, ownStream[kind](id));
  if (own.length === 0) throw notFound(kind === 'prepaid' ? 'customer' : kind, id);
  switch (kind) {
    case 'order':
    case 'customer':
      return own;
    case 'prepaid':
      return [...own, ...(await read(deps, prepaidStream(id)))];
    case 'invoice': {
      const issued = own.find((e) => e.type === 'InvoiceIssued')?.data as { orderId: string } | undefined;
      const order = issued ? await read(deps, orderStream(issued.orderId)) : [];
      const creditNoteIds = order.filter((e) => e.type === 'OrderCouponsRefunded').map((e) => (e.data as { creditNoteId: string }).creditNoteId);
      const creditNotes = await Promise.all(creditNoteIds.map((cn) => read(deps, creditNoteStream(cn))));
      return [...own, ...creditNotes.flat(), ...(await read(deps, sdiStreamOf('invoice', id)))];
    }
  }
}

export async function recordAsOf(deps: Deps, kind: HistoryKind, id: string, asOf: string): Promise<StateAsOf> {
  return stateAsOf(kind, id, await recordEvents(deps, kind, id), asOf);
}

export async function recordChanges(deps: Deps, kind: HistoryKind, id: string, from: string, to: string): Promise<Changes> {
  return changesBetween(kind, id, await recordEvents(deps, kind, id), from, to);
}
