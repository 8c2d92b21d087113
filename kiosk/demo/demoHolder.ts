// The demo card's holder: a fictional person (no such person is meant), with a codice fiscale that
// passes every check, because the back office checks it like any other.
import { codiceFiscaleCheckCharacter } from '../../domain/shared/codiceFiscale';

// ESPOSITO → SPS, GIULIA → GLI, born 12 March 1985 (a woman: day + 40 = 52, March = C), in Roma (H501).
const FIRST_15 = 'SPSGLI85C52H501';

export const DEMO_HOLDER = {
  name: 'Giulia',
  surname: 'Esposito',
  codiceFiscale: FIRST_15 + codiceFiscaleCheckCharacter(FIRST_15),
  email: 'giulia.esposito@example.invalid',
  billingAddress: { street: 'Via dei Fori Imperiali 1', postalCode: '00186', city: 'Roma', province: 'RM', country: 'IT' },
} as const;

/**
 * The subject of the demo card's certificates, as the token client takes it (RFC 4514, with the
 * short names @peculiar/x509 knows: G is givenName, SN surname), shaped like an Italian CNS's.
 */
export const demoSubject = (): string =>
  `CN=${DEMO_HOLDER.name} ${DEMO_HOLDER.surname}, SN=${DEMO_HOLDER.surname}, G=${DEMO_HOLDER.name}, serialNumber=TINIT-${DEMO_HOLDER.codiceFiscale}, C=IT`;
