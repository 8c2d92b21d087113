// Starts the back office: configuration, event store, HTTP server; stops cleanly on SIGTERM/SIGINT.
import { openEventStore } from '../events/open';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startDemo } from './demo';
import { loggerOptions } from './logger';
import { enabledAdminExists, ensureFirstAdmin } from './security/bootstrap';
import { secureDataDir } from './security/dataDir';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  // Whatever else comes to be written under DATA_DIR (and anything this process creates) is
  // private too, not only the files created with an explicit mode.
  process.umask(0o077);
  for (const problem of secureDataDir(config.dataDir)) process.stderr.write(`Warning: ${problem}\n`);

  const store = await openEventStore(config);
  const app = await buildApp({
    store,
    logger: loggerOptions(config.logLevel),
    dataDir: config.dataDir,
    security: {
      corsOrigins: config.corsOrigins,
      publicOrigin: new URL(config.publicUrl).origin,
      trustProxy: config.trustProxy,
      cookieSecure: config.cookieSecure,
      sessionIdleMs: config.sessionIdleMs,
      sessionMaxMs: config.sessionMaxMs,
      loginLockAfter: config.loginLockAfter,
      loginLockMs: config.loginLockMs,
    },
    sales: { settings: config.sales, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, demo: config.demo },
  });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // The demo's users come first: its admin is then the first admin.
  if (config.demo) await startDemo(app, { dataDir: config.dataDir, say });
  await ensureFirstAdmin(store, config.admin, say, { adminExists: () => enabledAdminExists(app) });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: no new requests, finishing the ones in flight');
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error(error, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(`Back office listening on http://${shownHost}:${port}/ (event store: ${store.kind})\n`);
}

main().catch((error) => {
  process.stderr.write(`Start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
