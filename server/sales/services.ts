// The sales application layer: everything between an HTTP route and the deciders. Each service is
// `(deps, input, ctx) => Promise<{ position, ... }>`, where position is the global position of the
// last event it appended (0 when it appended nothing), for read-your-writes. Reads take no ctx.
export * from './deps';
export { derivedId, saleIds } from './ids';
export * from '../features/customers/service';
export * from '../features/prepaid/service';
export * from '../features/catalogue/service';
export * from '../features/devices/service';
export * from '../features/orders/service';
export * from '../features/payments/service';
export * from '../features/orders/refunds';
export * from '../features/coupons/service';
export * from '../features/invoicing/service';
