// The log's head e-mailed to the accountants: only a verified head is sent, through the outbox to
// the address given, and the head in the e-mail proves the history later (expect-head).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHead, verifyLog } from '../../../../events/logVerifier';
import { startApi, type ApiWorld } from '../../api/support';

let world: ApiWorld;

beforeAll(async () => {
  world = await startApi();
}, 120_000);
afterAll(async () => world?.close());

const isHeadEmail = (mail: { subject?: string }) => (mail.subject ?? '').startsWith('Registro degli eventi');

describe("the log's head e-mailed to the accountants", { timeout: 120_000 }, () => {
  it('is refused before the log was ever verified, and to a malformed address', async () => {
    const never = await world.accountant.post('/api/log-verification/head-email', { to: 'contabilita@example.it' });
    expect(never.status).toBe(422);
    expect(never.json()).toMatchObject({ code: 'log_not_verified' });
    const bad = await world.accountant.post('/api/log-verification/head-email', { to: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.json().message).toContain('to');
    expect((await world.operator.post('/api/log-verification/head-email', { to: 'contabilita@example.it' })).status).toBe(403);
  });

  it('sends the verified head, which a later verification with --expect-head accepts', async () => {
    const verification = (await world.accountant.post('/api/log-verification')).json();
    expect(verification.ok).toBe(true);
    const sent = await world.accountant.post('/api/log-verification/head-email', { to: 'contabilita@example.it' });
    expect(sent.status).toBe(202);
    expect(sent.json().head).toEqual(verification.head);

    const [mail] = await world.smtp.waitForMessages(1, 30_000, isHeadEmail);
    expect(mail!.to).toMatchObject({ text: 'contabilita@example.it' });
    const head = /posizione:hash\): (\d+:[0-9a-f]{64})/.exec(mail!.text ?? '')?.[1];
    expect(head).toBe(`${verification.head.position}:${verification.head.hash}`);
    expect(mail!.text).toContain(`npm run verify-log -- --expect-head ${head}`);

    // Later, with more events in the log, the e-mailed head still proves the history up to it.
    await world.accountant.post('/api/log-verification');
    const later = await verifyLog(world.store, { expectHead: parseHead(head!) });
    expect(later).toMatchObject({ ok: true, expectHeadFailure: null });

    const emails = (await world.accountant.get('/api/emails')).json() as Array<{ purpose: string; toAddress?: string | null }>;
    expect(emails.some((e) => e.purpose === 'log_head')).toBe(true);
  });
});
