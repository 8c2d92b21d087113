// The event catalogue: every event type the back office appends has a definition here, with the
// zod schema of its data, its name and its schema version. Writing stamps the version into the
// metadata; reading validates the data and passes an older version through its upcasters, so an
// event stored years ago by older code still reads as the current shape.
//
// An upcaster gets the older data and the stored event's metadata (see `Upcaster`): a field that
// older code never wrote but that its metadata knows is taken from there. The one such field is
// the time: `metadata.at` is when the command that appended the event was decided (UTC ISO), and
// every event is appended by the command that decided it, so it is the event's instant. An
// upcaster never invents a value that neither the data nor the metadata holds.
import { z } from 'zod';
import type { EventShape } from '../domain/shared/events';
import { roles } from '../domain/staff/roles';
import type { EventToAppend, RecordedEvent } from './port';
import { uuidv7 } from './uuid';

export { roles, type Role } from '../domain/staff/roles';
export type { EventOf } from '../domain/shared/events';

/** Who did it: a staff user, or the back office itself (reactors, demo seeding, migrations). */
export const actorSchema = z.object({
  userId: z.string().min(1),
  role: z.enum([...roles, 'system']),
});
export type Actor = z.infer<typeof actorSchema>;

export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'system' };

export const metadataSchema = z.object({
  actor: actorSchema,
  /** When the command was decided, UTC ISO-8601. */
  at: z.iso.datetime(),
  correlationId: z.uuid(),
  /** The event or command that caused this one; null for a command that started a conversation. */
  causationId: z.string().min(1).nullable(),
  idempotencyKey: z.string().min(1).optional(),
  schemaVersion: z.number().int().positive(),
});
export type EventMetadata = z.infer<typeof metadataSchema>;

/** What the caller knows about the command an event comes from; the schema version is added here. */
export type CommandContext = Omit<EventMetadata, 'schemaVersion'>;

/**
 * Turns the data of one version into the data of the next. `metadata` is the stored event's, as it
 * was written (its `schemaVersion` is the stored one, not the version being produced): an event
 * stored without its instant takes it from `metadata.at`, when its command was decided.
 */
export type Upcaster = (olderData: any, metadata: EventMetadata) => unknown;

export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> extends EventShape<TType, TSchema> {
  version: number;
  /** upcasters[v] turns data of version v into data of version v + 1. */
  upcasters: Record<number, Upcaster>;
}

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
  options: { version?: number; upcasters?: Record<number, Upcaster> } = {},
): EventDefinition<TType, TSchema> {
  const version = options.version ?? 1;
  const upcasters = options.upcasters ?? {};
  for (let v = 1; v < version; v++) {
    if (!upcasters[v]) throw new Error(`event ${type}: version ${version} needs an upcaster from version ${v}`);
  }
  return { type, version, schema, upcasters };
}

/** What the catalogue knows of the older versions of some event types, by type. */
export type StoredHistory = Record<string, { version: number; upcasters: Record<number, Upcaster> }>;

export interface DecodedEvent<E extends { type: string; data: unknown } = { type: string; data: unknown }>
  extends Omit<RecordedEvent, 'type' | 'data' | 'metadata'> {
  type: E['type'];
  data: E['data'];
  metadata: EventMetadata;
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  constructor(readonly eventType: string) {
    super(`unknown event type ${eventType}`);
  }
}

export class InvalidStoredEventError extends Error {
  override readonly name = 'InvalidStoredEventError';
  constructor(
    readonly event: Pick<RecordedEvent, 'id' | 'stream' | 'type' | 'revision'>,
    reason: string,
  ) {
    super(`event ${event.type} ${event.id} in ${event.stream}@${event.revision}: ${reason}`);
  }
}

export class EventCatalogue<E extends { type: string; data: unknown }> {
  private readonly byType = new Map<string, EventDefinition>();

  /**
   * `history` says, by type, which event types older code stored differently (their current
   * version and the upcasters from the older ones); a type it does not name is at version 1.
   */
  constructor(shapes: readonly (EventShape | EventDefinition)[], history: StoredHistory = {}) {
    for (const type of Object.keys(history)) {
      if (!shapes.some((s) => s.type === type)) throw new Error(`stored history of ${type}: no such event type`);
    }
    for (const shape of shapes) {
      const definition = 'version' in shape ? (shape as EventDefinition) : defineEvent(shape.type, shape.schema, history[shape.type]);
      if (this.byType.has(definition.type)) throw new Error(`event type ${definition.type} defined twice`);
      this.byType.set(definition.type, definition);
    }
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  /** Validates the event against its schema and stamps id, version and metadata for appending. */
  encode(event: E, context: CommandContext): EventToAppend {
    const definition = this.definitionOf(event.type);
    const data = definition.schema.parse(event.data);
    const metadata: EventMetadata = { ...context, schemaVersion: definition.version };
    if (metadata.idempotencyKey === undefined) delete metadata.idempotencyKey;
    // Checked as decode() will check it: metadata it would refuse must not reach the log, where it
    // would stop every reader of the event (a correlation id that is not a UUID, say).
    const checked = metadataSchema.safeParse(metadata);
    if (!checked.success) throw new Error(`${event.type}: metadata: ${z.prettifyError(checked.error)}`);
    return { id: uuidv7(), type: event.type, data, metadata };
  }

  /** Validates a stored event and upcasts it to the current version of its type. */
  decode(recorded: RecordedEvent): DecodedEvent<E> {
    const definition = this.definitionOf(recorded.type);
    const metadata = metadataSchema.safeParse(recorded.metadata);
    if (!metadata.success) throw new InvalidStoredEventError(recorded, `metadata: ${z.prettifyError(metadata.error)}`);
    const stored = metadata.data.schemaVersion;
    if (stored > definition.version) {
      throw new InvalidStoredEventError(recorded, `schema version ${stored} is newer than this code (${definition.version})`);
    }
    let data = recorded.data;
    for (let v = stored; v < definition.version; v++) data = definition.upcasters[v]!(data, metadata.data);
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new InvalidStoredEventError(recorded, z.prettifyError(parsed.error));
    return {
      ...recorded,
      type: recorded.type as E['type'],
      data: parsed.data as E['data'],
      metadata: { ...metadata.data, schemaVersion: definition.version },
    };
  }

  private definitionOf(type: string): EventDefinition {
    const definition = this.byType.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition;
  }
}
