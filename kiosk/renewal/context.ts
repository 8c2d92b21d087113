// What every part of the renewal work shares: the back office, the card, the CA, the clock, the log.
import type { Logger } from 'pino';
import type { BackOffice } from '../backOffice';
import type { CertificateAuthority } from '../ca/port';
import type { TokenPort } from '../token/port';

export interface RenewalContext {
  backOffice: BackOffice;
  token: TokenPort;
  ca: CertificateAuthority;
  now: () => Date;
  logger: Logger;
  /** The office's name on the receipt. */
  officeName: string;
}
