import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { join } from 'node:path';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { EventStoreTestServer } from '../events/eventstoredb/testServer';
import { runServerEntry, startServer } from '../support/process';
import { tempDir } from '../support/tmp';

describe('starting and stopping the back office', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('starts on the embedded store, prints its URL, answers /health, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const server = await startServer({ DATA_DIR: dir.path });
    expect(server.stdout()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/ \(event store: sqlite\)/);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite', headPosition: 0, eventStore: { kind: 'sqlite', connected: true } });

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    // The store was closed properly: the file opens and reads again.
    const reopened = createSqliteStore({ file: join(dir.path, 'events.db') });
    expect(await reopened.headPosition()).toBe(0);
    await reopened.close();
  });

  it('starts on EventStoreDB when configured, and reports it in /health', async () => {
    const eventStore = await EventStoreTestServer.start({});
    const dir = tempDir();
    dirs.push(dir);
    try {
      const server = await startServer({
        DATA_DIR: dir.path,
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_URL: eventStore.connectionString,
      });
      const health = (await (await fetch(`${server.url}/health`)).json()) as {
        store: string;
        eventStore: { connected: boolean };
        reactors: Record<string, { mode: string }>;
        persistentConsumers: boolean;
      };
      expect(health.store).toBe('eventstoredb');
      expect(health.eventStore.connected).toBe(true);
      expect(health.reactors['email-outbox']?.mode).toBe('catch-up');
      // On EventStoreDB the reactors are competing consumers (persistent subscriptions); the outbox claims on the e-mail's stream.
      expect(health.persistentConsumers).toBe(true);
      expect(health.reactors.fulfilment?.mode).toBe('persistent');
      server.child.kill('SIGTERM');
      expect(await server.exit).toBe(0);
    } finally {
      await eventStore.stop();
    }
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a number (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535 (got "70000")'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE must be "sqlite" or "eventstoredb" (got "postgres")'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_URL is required when EVENT_STORE=eventstoredb'],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'http://x' }, 'EVENTSTORE_URL must be a connection string'],
  ])('refuses a wrong configuration %j with one clear line', async (env, message) => {
    const child = runServerEntry({ DATA_DIR: '/nonexistent-never-created', ...env });
    let err = '';
    let out = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => (out += c));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain(`Configuration error: ${message}`);
    expect(err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
