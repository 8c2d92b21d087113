// Read model `audit_events`: the accountants' audit trail. Every event of the catalogue, one row per
// event, keyed by its global position: stream, type, when it was decided (metadata.at) and recorded,
// who did it (user id and role), correlation and causation, and its data as JSON.
//
// The trail is read by people who must not learn secrets from it, so the data is masked on the way
// in: coupon codes keep only their last group (`****-****-****-****-J8NC`), in CouponIssued,
// CouponCodeClaimed and the name of the code's guard stream (`coupon-code-…`); password hashes
// (StaffUserCreated, StaffPasswordChanged, StaffChangeRequested) are replaced by a placeholder; the
// body of an answer kept under an Idempotency-Key (IdempotentAnswerRecorded) is left out: the trail
// shows its status, and the events the command appended show what it did.
import { catalogue } from '../../events/index';
import { couponCodeHint } from '../../domain/shared/couponCode';
import { sql, type Projection, type ProjectedEvent } from '../projection';
import { isoTime } from './shared';

export const HIDDEN = '[hidden]';
const COUPON_CODE_STREAM = 'coupon-code-';

/** The stream name as the trail shows it. */
export function maskedStream(stream: string): string {
  return stream.startsWith(COUPON_CODE_STREAM) ? COUPON_CODE_STREAM + couponCodeHint(stream.slice(COUPON_CODE_STREAM.length)) : stream;
}

/** The event's data as the trail shows it (a copy: the event itself is shared, never changed). */
export function maskedData(type: string, data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  const record = data as Record<string, unknown>;
  switch (type) {
    case 'CouponIssued':
    case 'CouponCodeClaimed':
      return typeof record.code === 'string' ? { ...record, code: couponCodeHint(record.code) } : record;
    case 'StaffUserCreated':
    case 'StaffPasswordChanged':
    case 'StaffChangeRequested':
      return 'passwordHash' in record ? { ...record, passwordHash: HIDDEN } : record;
    case 'IdempotentAnswerRecorded':
      return record.body === null || record.body === undefined ? record : { ...record, body: HIDDEN };
    default:
      return record;
  }
}

export const auditEventsProjection: Projection<any> = {
  name: 'audit-events',
  // 2: the data of events read through upcasters (amounts named …Cents) and their schema versions.
  // 3: instants named …At, and the staff and claim events' instants.
  // 4: the seller of invoices and credit notes names its codiceFiscale and partitaIva.
  version: 4,
  tables: ['audit_events'],
  handles: catalogue.types(),
  setup(db, t) {
    const a = t('audit_events');
    db.exec(`CREATE TABLE ${a} (
      position INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL,
      stream TEXT NOT NULL,
      revision INTEGER NOT NULL,
      type TEXT NOT NULL,
      at TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      actor_id TEXT NOT NULL,
      actor_role TEXT NOT NULL,
      correlation_id TEXT NOT NULL,
      causation_id TEXT,
      idempotency_key TEXT,
      schema_version INTEGER NOT NULL,
      data TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${a}_by_stream ON ${a} (stream, position)`);
    db.exec(`CREATE INDEX ${a}_by_type ON ${a} (type, at)`);
    db.exec(`CREATE INDEX ${a}_by_actor ON ${a} (actor_id, at)`);
    db.exec(`CREATE INDEX ${a}_by_role ON ${a} (actor_role, at)`);
    db.exec(`CREATE INDEX ${a}_by_at ON ${a} (at)`);
    db.exec(`CREATE INDEX ${a}_by_correlation ON ${a} (correlation_id)`);
  },
  apply(db, event: ProjectedEvent, t) {
    const m = event.metadata;
    sql(db)`INSERT INTO ${t('audit_events')} (position, event_id, stream, revision, type, at, recorded_at, actor_id, actor_role,
         correlation_id, causation_id, idempotency_key, schema_version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
      event.position,
      event.id,
      maskedStream(event.stream),
      event.revision,
      event.type,
      isoTime(m.at),
      event.created.toISOString(),
      m.actor.userId,
      m.actor.role,
      m.correlationId,
      m.causationId,
      m.idempotencyKey ?? null,
      m.schemaVersion,
      JSON.stringify(maskedData(event.type, event.data)),
    );
  },
};
