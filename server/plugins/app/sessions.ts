// Sessions and login throttling. Sessions live in the event store, so that every server on one
// store knows them (server/security/sessions.ts); the login throttle's counters in this server's
// `<DATA_DIR>/server.db` (server/security/loginThrottle.ts), in memory when the app has no data dir.
import fp from 'fastify-plugin';
import { join } from 'node:path';
import { ensurePrivateFile } from '../../../events/adapters/privateFiles';
import { LoginThrottle } from '../../security/loginThrottle';
import { SessionRegistry } from '../../security/sessions';
import type { SecuritySettings } from '../../security/settings';

/** How long a server trusts its last check of a session on EventStoreDB, unless configured. */
export const ESDB_SESSION_RECHECK_MS = 2_000;

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionRegistry;
    loginThrottle: LoginThrottle;
  }
}

export default fp<{ dataDir?: string | undefined; settings: SecuritySettings }>(
  async (app, { dataDir, settings }) => {
    let file = ':memory:';
    if (dataDir) {
      file = join(dataDir, 'server.db');
      ensurePrivateFile(file);
    }
    const throttle = new LoginThrottle(file, settings);
    const recheckMs = settings.sessionRecheckMs ?? (app.eventStore.kind === 'sqlite' ? 0 : ESDB_SESSION_RECHECK_MS);
    app.decorate('sessions', new SessionRegistry(app.eventStore, settings, recheckMs));
    app.decorate('loginThrottle', throttle);
    app.addHook('onClose', async () => throttle.close());
  },
  { name: 'sessions', dependencies: ['event-store'] },
);
