// What an event of the domain looks like: its type name and the zod schema of its data, as the
// deciders produce and fold it today. How it was stored by older code (schema versions, upcasters)
// is the event catalogue's business (events/), not the domain's.
import type { z } from 'zod';

export interface EventShape<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  schema: TSchema;
}

export const eventShape = <TType extends string, TSchema extends z.ZodType>(type: TType, schema: TSchema): EventShape<TType, TSchema> => ({
  type,
  schema,
});

/** The data and type of one event of a shape, as deciders produce and evolve them. */
export type EventOf<D> = D extends EventShape<infer T, infer S> ? { type: T; data: z.infer<S> } : never;

/** The type names of a list of shapes (domain/eventTypes.ts lists them all, for the console). */
export const typesOf = (shapes: readonly EventShape[]): string[] => shapes.map((s) => s.type);
