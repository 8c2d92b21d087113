// `--demo-token`'s card: a SoftHSM2 token holding the demo holder's signing and authentication
// certificates from the development CA, each with its key pair on the token, expiring in 20 days;
// made once and found again at the next start. Checked with OpenSSL, not only with the kiosk's code.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDevelopmentCa } from '../../../kiosk/ca/devCa';
import type { CertificateAuthority } from '../../../kiosk/ca/port';
import { DEMO_DAYS_LEFT, DEMO_USER_PIN, demoTokenDir, ensureDemoCard, readDemoCard } from '../../../kiosk/demo/demoCard';
import { DEMO_HOLDER } from '../../../kiosk/demo/demoHolder';
import { openTokenClient, type TokenClient } from '../../../kiosk/token/client';
import { createSoftHsmToken, SOFTHSM2_MODULE, softHsmConf } from '../../../kiosk/token/softhsm';
import { checkCodiceFiscale } from '../../../domain/shared/codiceFiscale';
import { tempDir } from '../../support/tmp';

const NOW = new Date('2026-11-24T09:00:00Z');
const DAY = 86_400_000;

describe('the demo card', () => {
  const dir = tempDir('kiosk-demo-');
  let ca: CertificateAuthority;
  let tokens: TokenClient;
  const open = () => {
    const tokenDir = demoTokenDir(dir.path);
    mkdirSync(tokenDir, { recursive: true });
    return openTokenClient({ modulePath: SOFTHSM2_MODULE, env: { SOFTHSM2_CONF: softHsmConf(tokenDir) } });
  };
  beforeAll(async () => {
    ca = await openDevelopmentCa({ dir: join(dir.path, 'ca'), now: () => NOW });
    tokens = open();
  });
  afterAll(async () => {
    await tokens?.close();
    dir.remove();
  });

  it('has a fictional holder with a valid codice fiscale', () => {
    expect(checkCodiceFiscale(DEMO_HOLDER.codiceFiscale)).toMatchObject({ ok: true });
  });

  it('holds both certificates under the labels Firma and Autenticazione, issued by the development CA, ending in 20 days', async () => {
    const { card, created } = await ensureDemoCard({ dataDir: dir.path, ca, createToken: createSoftHsmToken, tokens, now: () => NOW });
    expect(created).toBe(true);
    expect(card.userPin).toBe(DEMO_USER_PIN);
    expect((await tokens.listTokens()).map((t) => [t.serial, t.label])).toEqual([[card.serial, 'Carta demo']]);

    const objects = await tokens.readCertificates(card.serial);
    expect(objects.map((o) => o.label).sort()).toEqual(['Autenticazione', 'Firma']);
    const chain = join(dir.path, 'chain.pem');
    writeFileSync(chain, (await ca.chainPem()).join('\n'));
    for (const object of objects) {
      const file = join(dir.path, `${object.label}.pem`);
      writeFileSync(file, object.certificatePem);
      const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject', '-issuer', '-enddate', '-ext', 'keyUsage'], { encoding: 'utf8' });
      expect(text).toContain(`serialNumber = TINIT-${DEMO_HOLDER.codiceFiscale}`);
      expect(text).toContain('CN = Giulia Esposito');
      expect(text).toContain(ca.name);
      expect(text).toMatch(object.label === 'Firma' ? /Non Repudiation/ : /Digital Signature/);
      const end = new Date(/notAfter=(.*)/.exec(text)![1]!);
      expect(Math.round((end.getTime() - NOW.getTime()) / DAY)).toBe(DEMO_DAYS_LEFT);
      // Valid at the demo's "now" against the CA's chain.
      execFileSync('openssl', ['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', chain, file]);
    }
    // Each certificate sits on its own key pair, on the token.
    await tokens.login(card.serial, DEMO_USER_PIN);
    expect((await tokens.listKeyPairIds(card.serial)).sort()).toEqual([...new Set(objects.map((o) => o.id))].sort());
    await tokens.logout(card.serial);
    expect(card.certificates.map((c) => c.kind).sort()).toEqual(['authentication', 'signing']);
  });

  it('is found again at the next start, not made twice', async () => {
    const first = readDemoCard(dir.path)!;
    await tokens.close();
    tokens = open();
    const again = await ensureDemoCard({ dataDir: dir.path, ca, createToken: createSoftHsmToken, tokens, now: () => NOW });
    expect(again.created).toBe(false);
    expect(again.card.serial).toBe(first.serial);
    expect(await tokens.listTokens()).toHaveLength(1);
  });
});
