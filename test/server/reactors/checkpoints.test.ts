// The followers' checkpoints in DATA_DIR/server.db: written together, all or none, and found again
// by the next start of the server.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { sqliteCheckpointStore } from '../../../server/reactors/index';
import { tempDir } from '../../support/tmp';

const dir = tempDir('bo-checkpoints-');
afterEach(() => dir.remove());

it('are written together: when one cannot be written, every follower keeps its earlier checkpoint, also after a restart', () => {
  const file = join(dir.path, 'server.db');
  const first = sqliteCheckpointStore(file);
  first.save([
    { name: 'fulfilment', version: 3, checkpoint: { position: 10, state: { units: [] } } },
    { name: 'email-outbox', version: 2, checkpoint: { position: 12, state: { emails: ['e1'] } } },
  ]);
  // A state that is not JSON (a BigInt) fails the write: the fulfilment's later checkpoint goes too.
  expect(() =>
    first.save([
      { name: 'fulfilment', version: 3, checkpoint: { position: 20, state: { units: [] } } },
      { name: 'email-outbox', version: 2, checkpoint: { position: 22, state: { emails: [1n] } } },
    ]),
  ).toThrow();
  first.close();

  const restarted = sqliteCheckpointStore(file);
  expect(restarted.load('fulfilment', 3)).toEqual({ position: 10, state: { units: [] } });
  expect(restarted.load('email-outbox', 2)).toEqual({ position: 12, state: { emails: ['e1'] } });
  // A checkpoint of another format version is not taken up: that follower replays the log.
  expect(restarted.load('fulfilment', 4)).toBeUndefined();
  restarted.close();
});
