// SoftHSM2 tokens for the tests and the demo (no reader needed): each call initialises one more
// token in the directory's own token store, so two calls on one directory are two cards in two
// readers. The configuration lives under `dir`, never in the machine's /etc/softhsm.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's `softhsm2` package. */
export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  modulePath: string;
  /** The environment the PKCS#11 library needs (the child process's, for the token client). */
  env: { SOFTHSM2_CONF: string };
  /** CK_TOKEN_INFO.serialNumber, trimmed. */
  serial: string;
}

export interface SoftHsmTokenOptions {
  dir: string;
  label: string;
  soPin: string;
  /** SoftHSM2 takes 4 to 255 characters. */
  userPin: string;
}

export async function createSoftHsmToken(options: SoftHsmTokenOptions): Promise<SoftHsmToken> {
  for (const [field, pin] of [['soPin', options.soPin], ['userPin', options.userPin]] as const) {
    if (pin.length < 4 || pin.length > 255) throw new RangeError(`${field}: SoftHSM2 takes a PIN of 4 to 255 characters`);
  }
  if (options.label.length === 0 || Buffer.byteLength(options.label) > 32) {
    throw new RangeError('label: 1 to 32 bytes (CK_TOKEN_INFO.label)');
  }
  const conf = softHsmConf(options.dir);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const init = await run(
    'softhsm2-util',
    ['--init-token', '--free', '--label', options.label, '--so-pin', options.soPin, '--pin', options.userPin],
    { env },
  ).catch((error: { stderr?: string; message: string }) => {
    // softhsm2-util's own words, without the command line (it holds the PINs).
    throw new Error(`softhsm2-util --init-token failed: ${(error.stderr ?? '').trim() || 'no message'}`);
  });
  // "The token has been initialized and is reassigned to slot 1208171120"
  const slot = /reassigned to slot (\d+)/.exec(init.stdout)?.[1];
  if (!slot) throw new Error(`softhsm2-util did not say which slot the new token is in: ${init.stdout.trim()}`);
  const slots = await run('softhsm2-util', ['--show-slots'], { env });
  const serial = serialInSlot(slots.stdout, slot);
  if (!serial) throw new Error(`softhsm2-util --show-slots shows no token serial in slot ${slot}`);
  return { modulePath: SOFTHSM2_MODULE, env: { SOFTHSM2_CONF: conf }, serial };
}

/** The softhsm2.conf under `dir` (written the first time), with its own token directory. */
export function softHsmConf(dir: string): string {
  const conf = join(dir, 'softhsm2.conf');
  const tokenDir = join(dir, 'tokens');
  if (!existsSync(conf)) {
    mkdirSync(tokenDir, { recursive: true });
    writeFileSync(
      conf,
      [`directories.tokendir = ${tokenDir}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', ''].join('\n'),
    );
  }
  return conf;
}

function serialInSlot(showSlots: string, slot: string): string | undefined {
  const blocks = showSlots.split(/^Slot /m);
  const block = blocks.find((b) => b.startsWith(`${slot}\n`));
  return block ? /Serial number:\s*(\S+)/.exec(block)?.[1] : undefined;
}
