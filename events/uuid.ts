// Time-ordered UUIDs (RFC 9562 version 7): 48 bits of milliseconds, then randomness. The ids the
// server makes (events, orders and the sales area's other entities, correlation ids) are these:
// ids that grow with time keep every index keyed by them append-mostly (the store's on event ids,
// the read models' on order ids, streams and correlations), while random v4 ids scatter each
// insert across the index, so that a commit writes one page per row instead of a few shared ones.
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn 4 KiB at a time: one call to the system's generator per 256 ids.
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

function sixteenRandomBytes(): Buffer {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

export function uuidv7(now: number = Date.now()): string {
  const bytes = sixteenRandomBytes();
  // Within one millisecond a 12-bit counter keeps ids of one process in creation order.
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    sequence = bytes[6]! & 0x07;
  }
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
