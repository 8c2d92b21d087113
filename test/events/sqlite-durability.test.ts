// What the embedded store promises beyond the contract: an acknowledged append survives the process
// being killed, and closing the store writes the appends already accepted.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../events/adapters/sqlite';
import { tempDir } from '../support/tmp';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('embedded store durability', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('keeps every acknowledged append when the process is killed right after the acknowledgement', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'events.db');
    const script = `
      import { createSqliteStore } from './events/adapters/sqlite.ts';
      import { randomUUID } from 'node:crypto';
      const store = createSqliteStore({ file: ${JSON.stringify(file)} });
      let n = 0;
      const writer = async (w) => {
        for (;;) {
          const i = n++;
          await store.append('order-' + w + '-' + i, [{ id: randomUUID(), type: 'Placed', data: { i }, metadata: {} }], { expectedRevision: 'no_stream' });
          process.stdout.write('acked order-' + w + '-' + i + '\\n');
        }
      };
      for (let w = 0; w < 8; w++) void writer(w);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no acknowledgements: ${stderr}`)), 15_000);
      child.stdout.on('data', () => {
        if (out.split('\n').filter((l) => l.startsWith('acked ')).length >= 300) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGKILL');
    await once(child, 'exit');

    const acked = out
      .split('\n')
      .filter((line) => line.startsWith('acked '))
      .map((line) => line.slice('acked '.length));
    expect(acked.length).toBeGreaterThanOrEqual(300);
    const store = createSqliteStore({ file });
    for (const stream of acked) {
      const events = await store.readStream(stream);
      expect(events, stream).toHaveLength(1);
    }
    await store.close();
  });

  it('close() writes the appends already accepted, then refuses new ones', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'events.db');
    const store = createSqliteStore({ file });
    const pending = Array.from({ length: 10 }, (_, i) =>
      store.append(`order-${i}`, [{ id: randomUUID(), type: 'Placed', data: { i }, metadata: {} }], {
        expectedRevision: 'no_stream',
      }),
    );
    await store.close();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.nextRevision)).toEqual(Array(10).fill(0));
    await expect(
      store.append('order-late', [{ id: randomUUID(), type: 'Placed', data: {}, metadata: {} }], { expectedRevision: 'any' }),
    ).rejects.toThrow(/closed/);

    const reopened = createSqliteStore({ file });
    expect(await reopened.headPosition()).toBe(10);
    await reopened.close();
  });
});
