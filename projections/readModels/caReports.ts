// Read model `ca_reports`: the CA's reports of renewals done elsewhere (CaReportReceived), one row
// per report with its lines and their outcomes. Coupon codes are secrets: a line keeps only the
// code's hint (its last group), never the code.
import type { CaReportEvent } from '../../domain/renewals/events';
import { couponCodeHint } from '../../domain/shared/couponCode';
import { sql, type Projection } from '../projection';
import { isoTime } from './shared';

export const caReportsProjection: Projection<CaReportEvent> = {
  name: 'ca-reports',
  version: 1,
  tables: ['ca_reports'],
  handles: ['CaReportReceived'],
  setup(db, t) {
    const r = t('ca_reports');
    db.exec(`CREATE TABLE ${r} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      via TEXT NOT NULL,
      received_by TEXT NOT NULL,
      received_at TEXT NOT NULL,
      line_count INTEGER NOT NULL,
      applied_count INTEGER NOT NULL,
      refused_count INTEGER NOT NULL,
      lines TEXT NOT NULL
    )`);
    db.exec(`CREATE INDEX ${r}_by_received ON ${r} (received_at)`);
    db.exec(`CREATE INDEX ${r}_by_via ON ${r} (via, received_at)`);
    db.exec(`CREATE INDEX ${r}_by_refused ON ${r} (refused_count, received_at)`);
  },
  apply(db, event, t) {
    const r = t('ca_reports');
    const d = event.data;
    const lines = d.lines.map(({ couponCode, ...line }) => ({ ...line, couponCodeHint: couponCodeHint(couponCode) }));
    const applied = lines.filter((l) => l.outcome === 'applied').length;
    sql(db)`INSERT INTO ${r} (id, via, received_by, received_at, line_count, applied_count, refused_count, lines)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`.run(d.reportId, d.via, d.receivedBy, isoTime(d.receivedAt), lines.length, applied, lines.length - applied, JSON.stringify(lines));
  },
};
