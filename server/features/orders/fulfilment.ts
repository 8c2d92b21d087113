// Fulfilment of paid orders: coupons, invoice, order fulfilled, coupon e-mail queued.
//
// Each step is idempotent, with ids derived from the orderId, so the steps can be repeated from
// the start after a crash at any point:
//   1. coupons: the i-th coupon unit gets the id saleIds.coupon(orderId, i); an existing coupon
//      stream is kept; otherwise a new code is drawn and claimed on `coupon-code-<code>`
//      ('no_stream'; a taken code → another draw), then the coupon is issued;
//   2. invoice number on `invoice-numbers-<year>` (the order's number is kept if it has one);
//   3. the invoice (saleIds.invoice(orderId)), unless issued;
//      (1 runs side by side with 2 and 3: the number does not depend on the coupons)
//   4. the order marked fulfilled, once 1 and 3 are done (a repeat does nothing);
//   5. the coupon e-mail queued on `email-<saleIds.fulfilmentEmail(orderId)>` ('no_stream'; an
//      existing stream means it is queued already).
// The reactor fulfils the paid orders by batches of what is due (up to FULFILMENT_BATCH), all side
// by side, and an order's coupons at once: the appends of one step share a commit, and the orders
// waiting for an invoice number get theirs together, in one append to the year's numbering
// (nextInvoiceNumber), so within one process the numbering does not conflict; across processes,
// write conflicts are decided again on the new state. The invoice's PDF is not made here: it is
// rendered from the issued invoice when it is downloaded (server/features/invoicing/service.ts).
// The unit of an order is done when its fulfilment e-mail is queued (or, for an order without
// coupons, when it is fulfilled).
import type { CommandContext } from '../../../events/eventCatalogue';
import type { CouponEvent } from '../../../domain/coupons/events';
import { emailStream, type EmailEvent } from '../../../domain/emails/events';
import { emailAggregate } from '../../../domain/emails/decider';
import type { Buyer } from '../../../domain/invoicing/events';
import type { InvoiceNumberEvent } from '../../../domain/invoicing/events';
import { WrongExpectedRevisionError } from '../../../events/port';
import { oneAtATime } from '../../commands/oneAtATime';
import { claimCouponCode, couponCodeStreamOf } from '../../../domain/coupons/codeClaim';
import { couponAggregate, issueCoupon, streamOf as couponStream, type CouponState } from '../../../domain/coupons/decider';
import { DomainError } from '../../../domain/shared/errors';
import { invoiceYearOf, issueInvoice, invoiceAggregate, streamOf as invoiceStream } from '../../../domain/invoicing/decider';
import { decideInvoiceNumbers, invoiceNumbering, invoiceNumbersStreamOf, type AssignInvoiceNumber } from '../../../domain/invoicing/numbering';
import { markFulfilled, orderAggregate, streamOf as orderStream, type PlacedOrder } from '../../../domain/orders/decider';
import { generateCouponCode } from '../../../domain/shared/couponCode';
import { customerDisplayName, getCustomer, type RegisteredCustomer } from '../customers/service';
import { DAY_MS } from '../../../domain/shared/utcTime';
import { lastPosition, randomOf, type SalesDeps } from '../deps';
import { appendDecided, appendEvents, handleCommand, loadAggregate } from '../../commands/handle';
import { saleIds } from '../ids';
import { getOrder } from './service';
import { Reactor, type Decoded } from '../../reactors/reactor';

/** Test hooks: called after a step; throwing simulates a crash at that point. */
export interface FulfilmentHooks {
  afterStep?(step: 'coupons' | 'invoice_number' | 'invoice' | 'fulfilled' | 'email', orderId: string): void | Promise<void>;
}

export interface FulfilmentResult {
  position: number;
  orderId: string;
  couponIds: string[];
  invoiceId: string | null;
  /** The fulfilment e-mail, null for an order without coupons (or an order not paid). */
  emailId: string | null;
}

const CODE_ATTEMPTS = 10;
/**
 * Paid orders one worker fulfils together, at most: their appends share commits, step by step, and
 * their invoice numbers are taken in one append, so a batch costs about as many commits as one
 * order. The batch takes what is due, so it grows with the backlog; the cap bounds the wait of the
 * order last in it.
 */
const FULFILMENT_BATCH = 128;
/** Batches side by side when no request is waiting (one while requests are answered). */
const FULFILMENT_BATCHES_SIDE_BY_SIDE = 2;

/** Issues one coupon under its fixed id with a new code claimed for it (or keeps the one issued). */
async function issueNewCoupon(
  deps: SalesDeps,
  command: { couponId: string; orderId: string; customerId: string; productCode: string; renews: 'signing' | 'authentication' | 'both'; validUntil: string; at: string },
  ctx: CommandContext,
): Promise<number> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const code = generateCouponCode(randomOf(deps));
    const claim = claimCouponCode({ code, couponId: command.couponId, at: command.at }, { status: 'free' });
    try {
      await appendEvents(deps, couponCodeStreamOf(code), claim, 'no_stream', ctx);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) continue; // the code is taken: draw another
      throw error;
    }
    try {
      const issued = await handleCommand<CouponState, CouponEvent>(deps, couponStream(command.couponId), couponAggregate, (s) => issueCoupon({ ...command, code }, s), ctx);
      return issued.position;
    } catch (error) {
      // Another process issued this coupon first (with its own code): keep that one.
      if (error instanceof DomainError && error.code === 'coupon_exists') return 0;
      throw error;
    }
  }
  throw new Error(`could not find a free coupon code for coupon ${command.couponId}`);
}

function buyerOf(customer: RegisteredCustomer): Buyer {
  const a = customer.billingAddress;
  return {
    name: customerDisplayName(customer),
    codiceFiscale: customer.codiceFiscale,
    partitaIva: customer.partitaIva,
    address: { street: a.street, postalCode: a.postalCode, city: a.city, province: a.province === 'EE' ? null : a.province, country: a.country },
  };
}

/**
 * The number of the order's invoice: the one already assigned (this year, or last year for an order
 * paid then), or the next one of this year. `at` is when the invoice is dated: in the number's year.
 */
async function invoiceNumberFor(
  deps: SalesDeps,
  order: PlacedOrder,
  now: string,
  ctx: CommandContext,
): Promise<{ year: number; number: number; invoiceId: string; at: string; position: number }> {
  const year = invoiceYearOf(now);
  const paidYear = invoiceYearOf(order.paidAt ?? now);
  if (paidYear < year) {
    // A fulfilment interrupted at the turn of the year may have its number in the previous year.
    for (const r of await deps.store.readStream(invoiceNumbersStreamOf(paidYear))) {
      const data = (deps.catalogue.decode(r) as unknown as InvoiceNumberEvent).data;
      if (data.orderId === order.orderId) return { year: paidYear, number: data.number, invoiceId: data.invoiceId, at: data.assignedAt, position: 0 };
    }
  }
  const decided = await nextInvoiceNumber(deps, { year, invoiceId: saleIds.invoice(order.orderId), orderId: order.orderId, at: now }, ctx);
  // Dated when the number was assigned: never before the invoice numbered before it.
  return { year, number: decided.number, invoiceId: decided.invoiceId, at: decided.at, position: decided.position };
}

interface NumberRequest {
  command: AssignInvoiceNumber;
  ctx: CommandContext;
  resolve(answer: { number: number; invoiceId: string; at: string; position: number }): void;
  reject(error: unknown): void;
}

/** Per store, per numbering stream: the requests waiting for the next append. */
const waitingForNumbers = new WeakMap<object, Map<string, NumberRequest[]>>();

/**
 * The order's invoice number. Fulfilments running side by side would all decide on the same
 * revision of the year's numbering and retry one after the other; instead the requests that arrive
 * while an append is in flight wait for it, then get their numbers in one decision and one append.
 */
function nextInvoiceNumber(deps: SalesDeps, command: AssignInvoiceNumber, ctx: CommandContext): Promise<{ number: number; invoiceId: string; at: string; position: number }> {
  const stream = invoiceNumbersStreamOf(command.year);
  let byStream = waitingForNumbers.get(deps.store);
  if (!byStream) waitingForNumbers.set(deps.store, (byStream = new Map()));
  const waiting = byStream;
  return new Promise((resolve, reject) => {
    const queued = waiting.get(stream);
    if (queued) {
      queued.push({ command, ctx, resolve, reject });
      return;
    }
    waiting.set(stream, [{ command, ctx, resolve, reject }]);
    // Taken once the promise jobs queued now have run: the fulfilments of a batch, which read
    // their orders together, all ask by then, and get their numbers in one append (which then
    // goes in the same commit as their coupons' first appends).
    process.nextTick(() => void oneAtATime(stream, async () => {
      const batch = waiting.get(stream)!;
      waiting.delete(stream);
      try {
        let assigned: Array<{ number: number; invoiceId: string; at: string }> = [];
        const requestOf = new Map<InvoiceNumberEvent, NumberRequest>();
        const byOrder = new Map(batch.map((r) => [r.command.orderId, r]));
        const result = await handleCommand(
          deps,
          stream,
          invoiceNumbering,
          (state) => {
            const decision = decideInvoiceNumbers(batch.map((r) => r.command), state);
            assigned = decision.assigned;
            requestOf.clear();
            for (const event of decision.events) requestOf.set(event, byOrder.get(event.data.orderId)!);
            return decision.events;
          },
          (event) => requestOf.get(event)!.ctx,
        );
        batch.forEach((request, i) => request.resolve({ ...assigned[i]!, position: result.position }));
      } catch (error) {
        for (const request of batch) request.reject(error);
      }
    }));
  });
}

/** Like Promise.all, but settles only once every promise has (no step left running after a failure). */
async function settledAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Fulfils a paid order (all steps idempotent; see the top of this file). */
export async function fulfilOrder(deps: SalesDeps, orderId: string, ctx: CommandContext, hooks: FulfilmentHooks = {}): Promise<FulfilmentResult> {
  let order = await getOrder(deps, orderId);
  const positions: number[] = [];
  if (order.status !== 'paid') return { position: 0, orderId, couponIds: [], invoiceId: null, emailId: null };

  if (order.fulfilment === null) {
    const at = deps.clock().toISOString();
    const context = { ...ctx, at };
    const validUntil = new Date(Date.parse(at) + deps.settings.couponValidityDays * DAY_MS).toISOString();

    const paid = order;
    // 1. The coupons, all at once (each has its own streams: their appends share commits), while
    // 2. the invoice number is taken and 3. the invoice issued: the number does not depend on the
    // coupons, and the order is marked fulfilled only once both are done.
    const couponIds: string[] = [];
    const issuing: Array<Promise<number>> = [];
    for (const line of paid.lines) {
      if (line.renews === 'none') continue;
      for (let q = 0; q < line.quantity; q++) {
        const couponId = saleIds.coupon(orderId, couponIds.length);
        couponIds.push(couponId);
        const command = { couponId, orderId, customerId: paid.customerId, productCode: line.productCode, renews: line.renews, validUntil, at };
        issuing.push(
          loadAggregate(deps, couponStream(couponId), couponAggregate).then(({ state }) =>
            state.status === 'none' ? issueNewCoupon(deps, command, context) : 0,
          ),
        );
      }
    }
    const coupons = (async () => {
      positions.push(...(await settledAll(issuing)));
      await hooks.afterStep?.('coupons', orderId);
    })();
    const invoicing = (async () => {
      const numbered = await invoiceNumberFor(deps, paid, at, context);
      positions.push(numbered.position);
      await hooks.afterStep?.('invoice_number', orderId);
      const customer = await getCustomer(deps, paid.customerId);
      const invoiced = await handleCommand(deps, invoiceStream(numbered.invoiceId), invoiceAggregate, (state) =>
        issueInvoice(
          {
            invoiceId: numbered.invoiceId,
            year: numbered.year,
            number: numbered.number,
            orderId,
            customerId: paid.customerId,
            seller: {
              name: deps.settings.seller.name,
              codiceFiscale: deps.settings.seller.codiceFiscale,
              partitaIva: deps.settings.seller.partitaIva,
              address: deps.settings.seller.address,
            },
            buyer: buyerOf(customer),
            lines: paid.lines,
            at: numbered.at,
          },
          state,
        ),
      context);
      positions.push(invoiced.position);
      await hooks.afterStep?.('invoice', orderId);
      return numbered;
    })();
    const [, numbered] = await settledAll([coupons, invoicing] as const);

    // 4. Fulfilled
    const fulfilled = await handleCommand(deps, orderStream(orderId), orderAggregate, (state) =>
      markFulfilled({ couponIds, invoiceId: numbered.invoiceId, invoiceYear: numbered.year, invoiceNumber: numbered.number, at }, state),
    context);
    positions.push(fulfilled.position);
    await hooks.afterStep?.('fulfilled', orderId);
    order = fulfilled.state as PlacedOrder;
  }
  const fulfilment = order.fulfilment!;

  // 5. The coupon e-mail
  let emailId: string | null = null;
  if (fulfilment.couponIds.length > 0) {
    emailId = saleIds.fulfilmentEmail(orderId);
    const queued: EmailEvent = {
      type: 'EmailQueued',
      data: {
        emailId,
        purpose: 'coupon_codes',
        customerId: order.customerId,
        orderId,
        couponIds: fulfilment.couponIds,
        reason: 'fulfilment',
        queuedAt: deps.clock().toISOString(),
      },
    };
    try {
      const start = { state: emailAggregate.initialState(), revision: 'no_stream' as const };
      positions.push((await appendDecided(deps, emailStream(emailId), emailAggregate, start, [queued], { ...ctx, at: deps.clock().toISOString() })).position);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error; // queued already
    }
    await hooks.afterStep?.('email', orderId);
  }
  return { position: lastPosition(...positions), orderId, couponIds: fulfilment.couponIds, invoiceId: fulfilment.invoiceId, emailId };
}

export interface FulfilmentReactorDeps {
  hooks?: FulfilmentHooks | undefined;
}

/** Fulfils the order, in reaction to its payment. */
interface FulfilTask {
  orderId: string;
  ctx: CommandContext;
}

export class FulfilmentReactor extends Reactor<FulfilTask> {
  readonly name = 'fulfilment';
  // Each fulfilment mostly waits for its appends to commit: taken together, their appends share commits.
  protected override readonly concurrency = FULFILMENT_BATCHES_SIDE_BY_SIDE;
  protected override readonly batchSize = FULFILMENT_BATCH;

  constructor(
    deps: ConstructorParameters<typeof Reactor>[0],
    private readonly options: FulfilmentReactorDeps = {},
  ) {
    super(deps);
  }

  protected readonly observes = new Set<Decoded['type']>(['OrderPaid', 'OrderFulfilled', 'EmailQueued']);

  protected observe(event: Decoded): void {
    switch (event.type) {
      case 'OrderPaid': {
        const { orderId } = event.data;
        this.schedule(`fulfil:${orderId}`, { orderId, ctx: this.contextFor(event) });
        break;
      }
      case 'OrderFulfilled':
        if (event.data.couponIds.length === 0) this.done(`fulfil:${event.data.orderId}`);
        break;
      case 'EmailQueued':
        if (event.data.reason === 'fulfilment') this.done(`fulfil:${event.data.orderId}`);
        break;
    }
  }

  protected async perform({ orderId, ctx }: FulfilTask): Promise<void> {
    await fulfilOrder(this.deps, orderId, ctx, this.options.hooks);
  }
}
