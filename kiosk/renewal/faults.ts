// What the desk is told when the card, the CA or the back office fails: every fault becomes a
// KioskError with a code the page acts on and a message in Italian for the operator. The PIN's
// state travels with PIN errors (the page shows the tries left); a locked PIN names the
// supervisor's path (the card's PUK, at the supervisor's desk).
import { CaError } from '../ca/port';
import { TokenError, type PinState } from '../token/port';
import { KioskError, type KioskErrorCode } from './port';
import { CardCheckFailed } from './verifyOnCard';

export const PIN_LOCKED_MESSAGE =
  "PIN bloccato: la carta va sbloccata con il PUK allo sportello del supervisore (sblocco PIN); poi si riprende il rinnovo da qui.";

export function pinIncorrectMessage(pin: PinState | undefined): string {
  switch (pin) {
    case 'final_try':
      return 'PIN errato: resta un solo tentativo, poi la carta si blocca.';
    case 'count_low':
      return 'PIN errato: restano pochi tentativi prima del blocco.';
    default:
      return 'PIN errato: riprovare.';
  }
}

const tokenCodes: Record<TokenError['code'], KioskErrorCode> = {
  token_absent: 'token_absent',
  token_removed: 'token_removed',
  pin_incorrect: 'pin_incorrect',
  pin_locked: 'pin_locked',
  pin_invalid: 'pin_invalid',
  // A login lost mid-way: the card's session ended (pulled out and put back).
  not_logged_in: 'token_removed',
  write_refused: 'write_refused',
  object_absent: 'write_refused',
  token_process_crashed: 'token_process_crashed',
  pkcs11_error: 'write_refused',
};

const tokenMessages: Partial<Record<KioskErrorCode, string>> = {
  token_absent: 'nessuna carta con questo numero nel lettore: inserirla',
  token_removed: 'la carta è stata estratta o la sua sessione si è chiusa: reinserirla e riprendere il rinnovo',
  pin_invalid: 'PIN di lunghezza non ammessa dalla carta',
  token_process_crashed: 'il driver della carta si è interrotto: riprendere il rinnovo',
  write_refused: 'la carta ha rifiutato la scrittura',
};

/** The KioskError for any error met while renewing (a KioskError passes through, with the renewal id added). */
export function kioskErrorOf(error: unknown, renewalId?: string): KioskError {
  const withRenewal = renewalId ? { renewalId } : {};
  if (error instanceof KioskError) {
    return renewalId && !error.details.renewalId ? new KioskError(error.code, error.message, { ...error.details, renewalId }) : error;
  }
  if (error instanceof TokenError) {
    const locked = error.code === 'pin_locked' || error.pin === 'locked';
    if (locked) return new KioskError('pin_locked', PIN_LOCKED_MESSAGE, { pin: 'locked', ...withRenewal });
    if (error.code === 'pin_incorrect') return new KioskError('pin_incorrect', pinIncorrectMessage(error.pin), { pin: error.pin ?? 'ok', ...withRenewal });
    const code = tokenCodes[error.code] ?? 'write_refused';
    const message = tokenMessages[code] ?? error.message;
    return new KioskError(code, `${message} (${error.message})`, withRenewal);
  }
  if (error instanceof CaError) {
    return error.code === 'ca_unreachable'
      ? new KioskError('ca_unreachable', `l'autorità di certificazione non risponde: riprendere il rinnovo più tardi (${error.message})`, withRenewal)
      : new KioskError('ca_refused', `l'autorità di certificazione ha rifiutato la richiesta: ${error.message}`, withRenewal);
  }
  if (error instanceof CardCheckFailed) {
    return new KioskError('write_refused', `il certificato scritto sulla carta non supera la verifica: ${error.message}`, withRenewal);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KioskError('write_refused', `errore inatteso: ${message}`, withRenewal);
}
