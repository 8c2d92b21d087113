// `npm run kiosk` (and `npm run kiosk -- --demo-token`): the kiosk on the desk machine, next to
// the card reader. It opens the token client (PKCS#11 in a child process), the certificate
// authority and the back office's session, and serves the desk page on 127.0.0.1 only.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBackOffice } from './backOffice';
import { openDevelopmentCa } from './ca/devCa';
import { KioskConfigError, loadKioskConfig } from './config';
import { DEMO_DAYS_LEFT, demoCardNow, demoTokenDir, ensureDemoCard } from './demo/demoCard';
import { DEMO_HOLDER } from './demo/demoHolder';
import { registerDemoInBackOffice } from './demo/registerDemo';
import { buildDeskServer } from './desk/server';
import { createKioskLogger } from './logging';
import { createKioskRenewals } from './renewal/kioskRenewals';
import { openTokenClient } from './token/client';
import { createSoftHsmToken, SOFTHSM2_MODULE, softHsmConf } from './token/softhsm';

async function main(): Promise<void> {
  let config;
  try {
    config = loadKioskConfig();
  } catch (error) {
    if (error instanceof KioskConfigError) {
      process.stderr.write(`kiosk: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createKioskLogger({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const ca = await openDevelopmentCa({ dir: join(config.dataDir, 'ca') });
  const tokenModule: { modulePath: string; env: Record<string, string> } = config.demoToken
    ? { modulePath: SOFTHSM2_MODULE, env: { SOFTHSM2_CONF: softHsmConf(mkdirp(demoTokenDir(config.dataDir))) } }
    : { modulePath: config.pkcs11Module!, env: {} };
  const tokens = openTokenClient({ ...tokenModule, logger });

  const demo = config.demoToken ? await ensureDemoCard({ dataDir: config.dataDir, ca, createToken: createSoftHsmToken, tokens }) : null;

  const backOffice = createBackOffice({ baseUrl: config.backOfficeUrl });
  const renewals = createKioskRenewals({ backOffice, token: tokens, ca, logger, ...(config.officeName ? { officeName: config.officeName } : {}) });
  const app = await buildDeskServer({
    backOffice,
    renewals,
    tokens,
    logger,
    backOfficeUrl: config.backOfficeUrl,
    port: config.port,
    demo: demo !== null,
    onOperatorLogin: demo
      ? async ({ username, password }) =>
          registerDemoInBackOffice({ backOfficeUrl: config.backOfficeUrl, username, password, card: await demoCardNow(tokens, demo.card), issuer: ca.name })
      : undefined,
  });
  await app.listen({ host: '127.0.0.1', port: config.port });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`;

  const lines = [`Chiosco in ascolto su ${url}/ (kiosk listening on ${url}/), back office ${config.backOfficeUrl}`];
  if (demo) {
    lines.push(
      '',
      `Carta demo (SoftHSM2) ${demo.created ? 'creata' : 'già presente'} in ${demoTokenDir(config.dataDir)}: numero di serie ${demo.card.serial.toUpperCase()},`,
      `titolare ${DEMO_HOLDER.name} ${DEMO_HOLDER.surname} (${DEMO_HOLDER.codiceFiscale}), certificati in scadenza ${demo.created ? `tra ${DEMO_DAYS_LEFT} giorni` : 'come alla creazione (o già rinnovati)'}.`,
      `PIN utente della carta demo: ${demo.card.userPin}   (solo per la dimostrazione)`,
      '',
      "Accedere alla pagina con un operatore del back office (npm start stampa le credenziali demo, in data/demo-credentials.txt):",
      'al primo accesso il chiosco registra nel back office il cliente e la carta demo.',
      'Pagamento: "Vendita allo sportello" (carta o contanti) o "Pagamento successivo" funzionano subito.',
      `Per un coupon: nella console (${config.backOfficeUrl}) come operatore, Ordini → Crea per il cliente ${DEMO_HOLDER.name} ${DEMO_HOLDER.surname},`,
      "incassare l'ordine allo sportello: il codice arriva per e-mail (in demo: data/demo-mail/*.eml) e si digita nel chiosco.",
    );
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'kiosk stopping');
    await app.close().catch(() => undefined);
    await tokens.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

await main();
