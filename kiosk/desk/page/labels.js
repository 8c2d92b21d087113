// What the desk page says, in Italian: certificate kinds, window states, steps, problems, PIN
// states and the kiosk's error codes (kiosk/renewal/port.ts, kiosk/desk/errors.ts).

const KINDS = { signing: 'Firma', authentication: 'Autenticazione', both: 'entrambi' };
export const certificateKindLabel = (kind) => KINDS[kind] ?? kind;

const WINDOWS = { not_yet: 'da aprire', open: 'aperta', in_grace: 'in tolleranza', closed: 'chiusa' };
export const windowLabel = (state) => WINDOWS[state] ?? state;

const STEPS = {
  keys_generated: 'nuove chiavi generate sulla carta',
  request_sent: "richiesta inviata all'autorità di certificazione",
  certificate_issued: 'certificato emesso',
  certificate_installed: 'certificato scritto sulla carta',
  verified: 'certificato verificato con la chiave della carta',
  old_removed: 'vecchio certificato rimosso',
};
export const stepLabel = (step) => STEPS[step] ?? step;

const PROBLEMS = {
  holder_unreadable: 'Codice fiscale del titolare non leggibile nei certificati',
  device_unknown: 'Dispositivo non registrato nel back office',
  holder_mismatch: 'Il titolare della carta non è quello registrato per il dispositivo',
  device_not_active: 'Dispositivo non attivo (smarrito, sospeso o cessato)',
  replacement_needed: 'Certificato oltre la scadenza: serve una carta sostitutiva',
  window_not_open: 'Il rinnovo non è ancora aperto per questa carta',
};
export const problemText = (problem) => PROBLEMS[problem] ?? problem;

const PIN_STATES = {
  ok: '',
  count_low: 'Attenzione: pochi tentativi rimasti',
  final_try: 'Ultimo tentativo',
  locked: 'PIN bloccato: rivolgersi al supervisore per lo sblocco',
};
export const pinStateText = (pin) => PIN_STATES[pin] ?? '';

const ERRORS = {
  not_logged_in: 'Sessione scaduta: accedere di nuovo',
  pin_incorrect: 'PIN errato',
  pin_locked: 'PIN bloccato: rivolgersi al supervisore per lo sblocco',
  pin_invalid: 'PIN non valido per questa carta (lunghezza)',
  token_absent: 'Carta non trovata nel lettore',
  token_removed: 'Carta estratta durante il rinnovo: reinserirla e riprendere',
  token_process_crashed: 'Il lettore non ha risposto: riprovare',
  write_refused: 'La carta ha rifiutato la scrittura',
  ca_unreachable: "Autorità di certificazione non raggiungibile: riprovare tra poco",
  ca_refused: "L'autorità di certificazione ha rifiutato la richiesta",
  replacement_needed: 'Certificato oltre la scadenza: serve una carta sostitutiva',
  card_not_renewable: 'Questa carta non si può rinnovare qui',
  back_office_refused: 'Il back office ha rifiutato la richiesta',
  back_office_unreachable: 'Back office non raggiungibile: riprovare tra poco',
  run_in_progress: 'Il rinnovo è già in corso su questo chiosco',
  foreign_origin: 'Richiesta rifiutata: non viene dalla pagina del chiosco',
};

/** The Italian sentence for a refusal, with the kiosk's own message where it says more. */
export function errorText(error) {
  const known = ERRORS[error.code];
  if (error.code === 'back_office_refused' || error.code === 'invalid_body' || !known) {
    return known ? `${known}: ${error.message}` : error.message;
  }
  return known;
}

const euro = new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' });
export const money = (cents) => euro.format(cents / 100);
