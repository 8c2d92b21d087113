// The catalogue of coupon products: add, change a price, withdraw, the guide's products for the
// demo, and the list of products (for the guided purchase) until a projection serves it.
import type { CommandContext } from '../../../events/eventCatalogue';
import type { EventStore } from '../../../events/port';
import { DomainError } from '../../../domain/shared/errors';
import {
  addProduct as decideAdd,
  changeProductPrice as decidePriceChange,
  guideProducts,
  normaliseProductCode,
  productAggregate,
  streamOf as productStream,
  withdrawProduct as decideWithdrawal,
  type AddProduct,
  type ProductState,
} from '../../../domain/catalogue/decider';
import { lastPosition, type SalesDeps } from '../deps';
import { handleCommand, loadAggregate } from '../../commands/handle';

export type CatalogueEntry = Exclude<ProductState, { status: 'absent' }>;

export interface ProductResult {
  position: number;
  code: string;
  product: CatalogueEntry;
}

async function productCommand(
  deps: SalesDeps,
  code: string,
  decide: (state: ProductState, at: string) => ReturnType<typeof decideAdd | typeof decidePriceChange | typeof decideWithdrawal>,
  ctx: CommandContext,
): Promise<ProductResult> {
  let after: ProductState = productAggregate.initialState();
  const result = await handleCommand(deps, productStream(code), productAggregate, (state) => {
    const events = decide(state, deps.clock().toISOString());
    after = events.reduce(productAggregate.evolve, state);
    return events;
  }, ctx);
  const product = after as CatalogueEntry;
  return { position: result.position, code: product.code, product };
}

export function addProduct(deps: SalesDeps, input: Omit<AddProduct, 'at'>, ctx: CommandContext): Promise<ProductResult> {
  return productCommand(deps, input.code, (state, at) => decideAdd({ ...input, at }, state), ctx);
}

export function changeProductPrice(deps: SalesDeps, input: { code: string; priceCents: number }, ctx: CommandContext): Promise<ProductResult> {
  return productCommand(deps, input.code, (state, at) => decidePriceChange({ ...input, at }, state), ctx);
}

export function withdrawProduct(
  deps: SalesDeps,
  input: { code: string; reason?: string | null | undefined },
  ctx: CommandContext,
): Promise<ProductResult> {
  return productCommand(deps, input.code, (state, at) => decideWithdrawal({ ...input, at }, state), ctx);
}

/** Adds the guide's products that do not exist yet (idempotent: for the demo start-up). */
export async function seedGuideProducts(deps: SalesDeps, ctx: CommandContext): Promise<{ position: number; added: string[] }> {
  const added: string[] = [];
  const positions: number[] = [];
  for (const product of guideProducts) {
    const { state } = await loadAggregate(deps, productStream(product.code), productAggregate);
    if (state.status !== 'absent') continue;
    try {
      const result = await addProduct(deps, product, ctx);
      added.push(result.code);
      positions.push(result.position);
    } catch (error) {
      // Another process seeded it at the same moment.
      if (!(error instanceof DomainError && error.code === 'product_exists')) throw error;
    }
  }
  return { position: lastPosition(...positions), added };
}

export async function getProduct(deps: Pick<SalesDeps, 'store' | 'catalogue'>, code: string): Promise<ProductState> {
  return (await loadAggregate(deps, productStream(code), productAggregate)).state;
}

// The codes of all products ever added, gathered from the log incrementally (each call reads only
// what was appended since the previous one), one scan at a time per store.
const knownCodes = new WeakMap<EventStore, { after: number; codes: Set<string>; scanning: Promise<void> }>();

async function productCodes(store: EventStore): Promise<string[]> {
  let entry = knownCodes.get(store);
  if (!entry) {
    entry = { after: 0, codes: new Set(), scanning: Promise.resolve() };
    knownCodes.set(store, entry);
  }
  const e = entry;
  e.scanning = e.scanning.catch(() => undefined).then(async () => {
    for await (const recorded of store.readAll({ after: e.after })) {
      e.after = recorded.position;
      if (recorded.type === 'ProductAdded' && recorded.stream.startsWith('product-')) {
        e.codes.add(normaliseProductCode((recorded.data as { code: string }).code));
      }
    }
  });
  await e.scanning;
  return [...e.codes].sort();
}

/** Every product of the catalogue in its current state (available and withdrawn), by code. */
export async function listProducts(deps: Pick<SalesDeps, 'store' | 'catalogue'>): Promise<CatalogueEntry[]> {
  const out: CatalogueEntry[] = [];
  for (const code of await productCodes(deps.store)) {
    const state = await getProduct(deps, code);
    if (state.status !== 'absent') out.push(state);
  }
  return out;
}
