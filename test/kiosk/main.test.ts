// `npm run kiosk -- --demo-token` as a newcomer runs it, next to a back office: the kiosk process
// prints its URL and the demo PIN, serves the desk page, lists the demo card, registers the demo
// holder and card when the operator logs in, and stops cleanly on SIGTERM. A wrong setting stops
// it at once with one line.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, PASSWORD, type ApiWorld } from '../server/api/support';
import { tempDir } from '../support/tmp';
import { mentionsPin } from './desk/support';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runKiosk(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'kiosk/main.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exit, stdout: () => out, stderr: () => err };
}

describe('npm run kiosk', () => {
  let api: ApiWorld;
  const data = tempDir('kiosk-main-');
  beforeAll(async () => {
    api = await startApi({ noSmtp: true });
  });
  afterAll(async () => {
    await api?.close();
    data.remove();
  });

  it('refuses to start without a reader library, naming the variable', async () => {
    const kiosk = runKiosk({ PKCS11_MODULE: '', KIOSK_DATA_DIR: data.path });
    expect(await kiosk.exit).toBe(2);
    expect(kiosk.stderr()).toMatch(/^kiosk: PKCS11_MODULE is required/);
  });

  it('--demo-token: prints the URL and the demo PIN, shows the demo card, registers it after the login', { timeout: 60_000 }, async () => {
    const kiosk = runKiosk({ KIOSK_PORT: '0', KIOSK_DATA_DIR: data.path, KIOSK_BACK_OFFICE_URL: api.baseUrl, LOG_LEVEL: 'debug' }, ['--demo-token']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kiosk did not start: ${kiosk.stderr()}`)), 45_000);
        kiosk.child.stdout.on('data', () => {
          const match = /Chiosco in ascolto su (http:\/\/127\.0\.0\.1:\d+)\//.exec(kiosk.stdout());
          if (match && kiosk.stdout().includes('come operatore')) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        void kiosk.exit.then((code) => reject(new Error(`kiosk exited with ${code}: ${kiosk.stderr()}`)));
      });
      expect(kiosk.stdout()).toContain('PIN utente della carta demo: 12345678');
      const serial = /numero di serie ([0-9A-F]+)/.exec(kiosk.stdout())![1]!;

      const page = await fetch(`${url}/`);
      expect(await page.text()).toContain('Inserire la carta nel lettore');
      const { tokens } = (await (await fetch(`${url}/api/tokens`)).json()) as { tokens: Array<{ serial: string; label: string }> };
      expect(tokens.map((t) => [t.serial.toUpperCase(), t.label])).toEqual([[serial, 'Carta demo']]);

      const login = await fetch(`${url}/api/operator/login`, {
        method: 'POST',
        headers: { origin: url, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'operatore', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { notices: string[] }).notices).toContain(`Carta demo ${serial} registrata nel back office.`);
      expect((await api.operator.get(`/api/devices/${serial}`)).status).toBe(200);
    } finally {
      kiosk.child.kill('SIGTERM');
    }
    expect(await kiosk.exit).toBe(0);
    // The demo PIN is printed once for the newcomer, and in no log line (pino's JSON lines).
    const logLines = kiosk.stdout().split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(3);
    expect(logLines.filter((line) => mentionsPin(line, '12345678'))).toEqual([]);
    expect(kiosk.stdout().split('\n').filter((line) => mentionsPin(line, '12345678'))).toEqual(['PIN utente della carta demo: 12345678   (solo per la dimostrazione)']);
  });
});
