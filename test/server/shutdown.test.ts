// A stop (SIGTERM) is bounded even when the event store is gone: a node that froze (SIGSTOP: its
// connections stay open and nothing answers) leaves appends in flight that never end, and the
// server used to wait on them for ever (seen in a scale-out run: servers SIGTERMed after their
// store had gone never exited). Now the store's close gives up on them after 5 s and the stop
// exits anyway after SHUTDOWN_GRACE_SECONDS.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { createEventStoreDbStore } from '../../events/adapters/eventstoredb';
import { startServer, type ServerProcess } from '../support/process';
import { tempDir } from '../support/tmp';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = { username: 'shutdownadmin', password: 'shutdown-test-admin-password' };

/** The EventStoreDB test server in its own process, so that it can be frozen. */
async function storeProcess(): Promise<{ child: ChildProcess; connectionString: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/events/eventstoredb/serveAlone.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const connectionString = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the store process did not start in 45 s')), 45_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the store process exited with ${code}`)));
  });
  return { child, connectionString };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

it('a server whose event store froze exits on SIGTERM within its grace period, a login in flight', async () => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const store = await storeProcess();
  cleanups.push(() => store.child.kill('SIGKILL'));
  const server: ServerProcess = await startServer({
    DATA_DIR: dir.path,
    EVENT_STORE: 'eventstoredb',
    EVENTSTORE_URL: store.connectionString,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    SHUTDOWN_GRACE_SECONDS: '3',
  });
  cleanups.push(() => server.child.kill('SIGKILL'));

  store.child.kill('SIGSTOP');
  // A login appends the session's start: with the node frozen, that append never ends.
  const login = fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(ADMIN),
  }).catch(() => null);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const stopped = Date.now();
  server.child.kill('SIGTERM');
  const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000).unref());
  const exit = await Promise.race([server.exit, deadline]);
  // Exited (1: the stop did not finish within its grace, said on stderr), not left running.
  expect(exit).toBe(1);
  expect(server.stderr()).toContain('Shutdown not finished within 3 s: exiting anyway');
  expect(Date.now() - stopped).toBeLessThan(20_000);
  await login;
}, 120_000);

// A stop under load waited for the clients' kept-alive connections: one whose request was being
// answered when the stop came stayed open after its answer, for the client's next request, up to
// Fastify's keepAliveTimeout of 72 s, and the stop ran out its grace period (the fault suite's
// sigterm scenario: 5 stops of 11 exited 1 after 15 s).
it('a stop under load answers the request in flight, closes its kept-alive connection and exits 0', async () => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const server: ServerProcess = await startServer({
    DATA_DIR: dir.path,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    SHUTDOWN_GRACE_SECONDS: '10',
  });
  cleanups.push(() => server.child.kill('SIGKILL'));
  const { host, port, origin } = new URL(server.url);

  // A login whose body is still arriving when the stop comes: a request in flight, on a
  // connection the client means to keep alive.
  const socket = connect(Number(port), new URL(server.url).hostname);
  cleanups.push(() => socket.destroy());
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const closedByServer = new Promise<void>((resolve) => socket.once('end', resolve));
  const body = JSON.stringify(ADMIN);
  socket.write(
    `POST /api/auth/login HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nConnection: keep-alive\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));

  const stopped = Date.now();
  server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  socket.write(body.slice(10));

  await closedByServer;
  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  expect(received.toLowerCase()).toContain('connection: close');
  const deadline = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000).unref());
  expect(await Promise.race([server.exit, deadline])).toBe(0);
  expect(Date.now() - stopped).toBeLessThan(5_000);
}, 60_000);

// A server's first stop after a fresh start on EventStoreDB took 5 s: each append looks back for the
// last 32 links of the chain, and on a log of fewer than 100 events the rest of that read's page
// had already arrived from the node when it stopped reading. Such a call kept the rest unread and
// never ended, and the client's dispose waited for it until the store's close gave up (5 s).
it('the reads an append stops early end their calls: the store closes at once', async () => {
  const store = await storeProcess();
  cleanups.push(() => store.child.kill('SIGKILL'));
  const events = createEventStoreDbStore(store.connectionString, { closeWithinMs: 10_000 });
  for (let i = 0; i < 45; i++) {
    await events.append(`early-${i}`, [{ id: randomUUID(), type: 'Counted', data: { i }, metadata: {} }], { expectedRevision: 'no_stream' });
  }
  const closing = Date.now();
  await events.close();
  expect(Date.now() - closing).toBeLessThan(2_000);
}, 60_000);

// A read still being iterated when the store closes (a rebuild's read of the log, say) is ended by
// the close: its next step says the store is closed, and the close does not wait on its call.
it('a read in flight when the store closes ends, and the close does not wait for it', async () => {
  const store = await storeProcess();
  cleanups.push(() => store.child.kill('SIGKILL'));
  const events = createEventStoreDbStore(store.connectionString, { closeWithinMs: 10_000 });
  for (let i = 0; i < 30; i++) {
    const batch = Array.from({ length: 100 }, (_, j) => ({ id: randomUUID(), type: 'Counted', data: { i, j, pad: 'x'.repeat(200) }, metadata: {} }));
    await events.append(`held-${i}`, batch, { expectedRevision: 'no_stream' });
  }
  const reading = events.readAll()[Symbol.asyncIterator]();
  expect((await reading.next()).done).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the rest of the page arrives, unread
  const closing = Date.now();
  await events.close();
  expect(Date.now() - closing).toBeLessThan(2_000);
  await expect(reading.next()).rejects.toThrow('the event store is closed');
}, 60_000);
