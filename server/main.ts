// Starts the back office: configuration, event store, HTTP server; stops cleanly on SIGTERM/SIGINT.
import { openEventStore } from '../events/open';
import { buildApp } from './app';
import { createServer } from 'node:net';
import { ConfigError, listenUrl, loadConfig, type Config } from './config';
import { startDemo } from './demo';
import { loggerOptions } from './logger';
import { enabledAdminExists, ensureFirstAdmin } from './security/bootstrap';
import { sessionCookieName } from './security/settings';
import { secureDataDir } from './security/dataDir';

/** A port free on this host now: PORT 0 ("any free port") is chosen before the app is built. */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, resolve);
  });
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error(`no free port on ${host}`);
  return address.port;
}

/**
 * The configuration, with PORT 0 replaced by the free port it will listen on: PUBLIC_URL's default
 * (the links in e-mails) is the address actually listened on, so the port must be known first.
 */
async function configuration(): Promise<Config> {
  const config = loadConfig();
  if (config.port !== 0) return config;
  return loadConfig({ ...process.env, PORT: String(await freePort(config.host)) });
}

async function main() {
  let config;
  try {
    config = await configuration();
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
      cookieName: sessionCookieName(config.cookieSecure),
      sessionIdleMs: config.sessionIdleMs,
      sessionMaxMs: config.sessionMaxMs,
      sessionRecheckMs: config.sessionRecheckMs,
      loginLockAfter: config.loginLockAfter,
      loginLockMs: config.loginLockMs,
      metricsToken: config.metricsToken,
    },
    sales: { settings: config.sales, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, demo: config.demo },
    listCountCap: config.listCountCap,
  });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // The demo's users come first: its admin is then the first admin.
  if (config.demo) await startDemo(app, { dataDir: config.dataDir, say });
  await ensureFirstAdmin(store, config.admin, say, { adminExists: () => enabledAdminExists(app) });

  // A stop finishes the requests in flight and the work in hand, then closes the store; but it
  // never waits longer than the grace period: a store that is gone (its appends and calls never
  // answering) must not keep the process alive for ever. A second signal exits at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again while stopping: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new requests, finishing the ones in flight');
    const grace = setTimeout(() => {
      app.log.error({ graceMs: config.shutdownGraceMs }, 'shutdown not finished within its grace period (is the event store reachable?): exiting anyway');
      process.stderr.write(`Shutdown not finished within ${config.shutdownGraceMs / 1000} s: exiting anyway\n`);
      process.exit(1);
    }, config.shutdownGraceMs);
    try {
      await app.close();
      clearTimeout(grace);
      process.exit(0);
    } catch (error) {
      app.log.error(error, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`Back office listening on ${listenUrl(config.host, config.port)}/ (event store: ${store.kind})\n`);
  if (config.publicUrl !== listenUrl(config.host, config.port)) say(`Console and e-mail links at ${config.publicUrl}/`);
}

main().catch((error) => {
  process.stderr.write(`Start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
