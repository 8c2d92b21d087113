// The e-mails' stored history (events/emails.ts): `at` is named for what happened at it, and a
// failed attempt stored without its instant takes the one of its metadata.
import { describe, expect, it } from 'vitest';
import { read, roundTrip } from './storedHistory';

const emailId = 'e1959de5-aaa1-5fe4-9080-b0d72417df53';
const AT = '2026-12-05T21:14:55.179Z';

describe('e-mails: version 1 reads as today', () => {
  it('EmailAttemptStarted: at → startedAt', () => {
    const v1 = { emailId, attempt: 1, messageId: `<${emailId}@localhost>`, at: '2026-12-05T21:14:54.563Z' };
    const today = { emailId, attempt: 1, messageId: `<${emailId}@localhost>`, startedAt: '2026-12-05T21:14:54.563Z' };
    expect(read('EmailAttemptStarted', v1)).toEqual({ data: today, version: 2 });
    expect(roundTrip('EmailAttemptStarted', today)).toEqual(today);
  });

  it('EmailAttemptFailed: failedAt = metadata.at (retryAt as stored)', () => {
    const v1 = { emailId, attempt: 1, error: 'Message failed: 451 try again later', retryAt: '2026-12-05T21:14:55.199Z' };
    expect(read('EmailAttemptFailed', v1, { at: AT })).toEqual({ data: { ...v1, failedAt: AT }, version: 2 });
  });

  it('EmailGaveUp: at → gaveUpAt; EmailRetryRequested: at → requestedAt', () => {
    expect(read('EmailGaveUp', { emailId, attempts: 3, error: 'x', at: AT }).data).toEqual({ emailId, attempts: 3, error: 'x', gaveUpAt: AT });
    expect(read('EmailRetryRequested', { emailId, at: '2026-11-23T10:00:00.000Z' }).data).toEqual({ emailId, requestedAt: '2026-11-23T10:00:00.000Z' });
  });
});
