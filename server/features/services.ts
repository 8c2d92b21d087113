// The sales application layer: everything between an HTTP route and the deciders. Each service is
// `(deps, input, ctx) => Promise<{ position, ... }>`, where position is the global position of the
// last event it appended (0 when it appended nothing), for read-your-writes. Reads take no ctx.
export * from './deps';
export { derivedId, saleIds } from './ids';
export * from './customers/service';
export * from './prepaid/service';
export * from './catalogue/service';
export * from './devices/service';
export * from './devices/life';
export * from './certificates/service';
export * from './certificates/policies';
export * from './orders/service';
export * from './payments/service';
export * from './orders/refunds';
export * from './coupons/service';
export * from './invoicing/service';
export * from './invoicing/fatturapa/service';
export * from './renewals/service';
