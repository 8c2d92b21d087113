// `npm run kiosk`'s configuration: the defaults a newcomer gets, and one clear line naming the
// variable and the rule when something is wrong.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KioskConfigError, loadKioskConfig } from '../../kiosk/config';

const fail = (env: Record<string, string>, argv: string[] = []) => {
  try {
    loadKioskConfig(env, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(KioskConfigError);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('kiosk configuration', () => {
  it('with --demo-token needs nothing: port 3100, the back office of `npm start`, data/kiosk, the development CA', () => {
    expect(loadKioskConfig({}, ['--demo-token'])).toEqual({
      port: 3100,
      backOfficeUrl: 'http://127.0.0.1:3000',
      pkcs11Module: null,
      dataDir: resolve('data/kiosk'),
      ca: 'development',
      officeName: null,
      logLevel: 'info',
      demoToken: true,
    });
  });

  it('takes a real reader from PKCS11_MODULE, and its own port, back office and data directory', () => {
    const config = loadKioskConfig({
      PKCS11_MODULE: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
      KIOSK_PORT: '0',
      KIOSK_BACK_OFFICE_URL: 'https://backoffice.example.it/',
      KIOSK_DATA_DIR: '/var/lib/kiosk',
      KIOSK_PORT_UNUSED: '',
    });
    expect(config).toMatchObject({ port: 0, backOfficeUrl: 'https://backoffice.example.it', pkcs11Module: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', dataDir: '/var/lib/kiosk', demoToken: false });
  });

  it('refuses with the variable and the rule', () => {
    expect(fail({})).toMatch(/^PKCS11_MODULE is required: the PKCS#11 library of the card reader .* or start with --demo-token/);
    expect(fail({ KIOSK_PORT: '70000' }, ['--demo-token'])).toBe('KIOSK_PORT must be between 0 and 65535 (got "70000")');
    expect(fail({ KIOSK_PORT: 'abc' }, ['--demo-token'])).toBe('KIOSK_PORT must be a number (got "abc")');
    expect(fail({ KIOSK_BACK_OFFICE_URL: 'localhost:3000' }, ['--demo-token'])).toMatch(/^KIOSK_BACK_OFFICE_URL must be the back office's origin, e.g\. http:\/\/127\.0\.0\.1:3000/);
    expect(fail({ KIOSK_CA: 'production' }, ['--demo-token'])).toBe('KIOSK_CA must be one of: development (the production CA is not built yet) (got "production")');
    expect(fail({}, ['--demo'])).toBe('unknown argument "--demo": the kiosk takes only --demo-token');
  });
});
