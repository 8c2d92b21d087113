import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSoftHsmToken, SOFTHSM2_MODULE } from '../../../kiosk/token/softhsm';
import { tempDir } from '../../support/tmp';

const dir = tempDir('kiosk-softhsm-');
afterAll(() => dir.remove());

describe('SoftHSM2 tokens for the tests and the demo', () => {
  it('keeps its configuration and token store under the given directory, one more token per call', async () => {
    const one = await createSoftHsmToken({ dir: dir.path, label: 'Uno', soPin: '87654321', userPin: '1234' });
    const two = await createSoftHsmToken({ dir: dir.path, label: 'Due', soPin: '87654321', userPin: '1234' });
    expect(one.modulePath).toBe(SOFTHSM2_MODULE);
    expect(one.env.SOFTHSM2_CONF).toBe(join(dir.path, 'softhsm2.conf'));
    expect(two.env).toEqual(one.env);
    expect(one.serial).toMatch(/^[0-9a-f]{16}$/);
    expect(two.serial).not.toBe(one.serial);
    expect(readFileSync(one.env.SOFTHSM2_CONF, 'utf8')).toContain(`directories.tokendir = ${join(dir.path, 'tokens')}`);
  });

  it('refuses a PIN SoftHSM2 would not take, naming the field', async () => {
    await expect(createSoftHsmToken({ dir: dir.path, label: 'X', soPin: '87654321', userPin: '123' })).rejects.toThrow(
      /^userPin: SoftHSM2 takes a PIN of 4 to 255 characters/,
    );
    await expect(createSoftHsmToken({ dir: dir.path, label: 'X', soPin: '1', userPin: '1234' })).rejects.toThrow(/^soPin:/);
  });
});
