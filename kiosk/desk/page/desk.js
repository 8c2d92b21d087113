// The desk page's behaviour: plain JavaScript served as is (no build step), talking to the kiosk's
// own API (kiosk/desk/server.ts) on the same origin. The PIN is read from its field, cleared at
// once, and sent in one POST body; it is never kept in a variable longer than that request, never
// put in a URL, in storage or in the page.
import { certificateKindLabel, errorText, money, pinStateText, problemText, stepLabel, windowLabel } from './labels.js';

const $ = (id) => document.getElementById(id);
const VIEWS = ['login', 'waiting', 'tokens', 'card', 'choose', 'pin', 'steps', 'done', 'fault'];

const TOKEN_POLL_MS = 1000;
const PROGRESS_POLL_MS = 400;

const state = {
  desk: { backOfficeUrl: '', demo: false },
  operator: null,
  tokens: [],
  /** The serial of the token the page works on. */
  serial: null,
  card: null,
  /** The renewal started or resumed (DeskRenewal). */
  renewal: null,
  running: false,
  /** 'done' and 'fault' stay on screen when the card is pulled out; the others follow the reader. */
  sticky: false,
  polling: null,
  busy: false,
};

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'http_' + status;
    this.pin = body?.pin;
    this.renewalId = body?.renewalId;
    this.backOfficeCode = body?.backOfficeCode;
  }
}

async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (error.code === 'not_logged_in') showLogin();
    throw error;
  }
  return json;
}

// ---------- small DOM helpers ----------

function show(...ids) {
  for (const id of VIEWS) $(id).hidden = !ids.includes(id);
}

function text(id, value) {
  $(id).textContent = value ?? '';
}

function message(id, value) {
  const el = $(id);
  el.textContent = value ?? '';
  el.hidden = !value;
}

function cell(row, value, className) {
  const td = document.createElement('td');
  td.textContent = value ?? '';
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

const romeDateTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const romeDate = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: '2-digit', month: '2-digit', year: 'numeric' });
const romeTime = new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = (iso) => (iso ? romeDateTime.format(new Date(iso)) : '');
const date = (iso) => (iso ? romeDate.format(new Date(iso)) : '');

function replacementUrl(deviceSerial) {
  // The console (react-admin, hash routes) opens its replacement request form with the device filled in.
  const source = encodeURIComponent(JSON.stringify({ deviceSerial }));
  return `${state.desk.backOfficeUrl}/#/replacement-requests/create?source=${source}`;
}

// ---------- the operator ----------

function showLogin() {
  stopPolling();
  state.operator = null;
  $('operator-bar').hidden = true;
  state.sticky = false;
  show('login');
  $('login-username').focus();
}

function loggedIn(operator) {
  state.operator = operator;
  text('operator-name', `${operator.displayName} (${operator.username})`);
  $('operator-bar').hidden = false;
  resetCard();
  show('waiting');
  startPolling();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  message('login-error', '');
  const username = $('login-username').value;
  const password = $('login-password').value;
  $('login-password').value = '';
  try {
    const answer = await api('POST', '/api/operator/login', { username, password });
    showNotices(answer.notices ?? []);
    loggedIn(answer.operator);
  } catch (error) {
    message('login-error', error.status === 401 ? 'Nome utente o password errati' : errorText(error));
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/operator/logout', {}).catch(() => undefined);
  resetCard();
  showNotices([]);
  showLogin();
});

function showNotices(lines) {
  const box = $('notices');
  box.replaceChildren(...lines.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  box.hidden = lines.length === 0;
}

// ---------- the readers ----------

function startPolling() {
  stopPolling();
  void pollTokens();
  state.polling = setInterval(() => void pollTokens(), TOKEN_POLL_MS);
}

function stopPolling() {
  if (state.polling) clearInterval(state.polling);
  state.polling = null;
}

async function pollTokens() {
  if (state.busy || state.running || !state.operator) return;
  state.busy = true;
  try {
    const { tokens } = await api('GET', '/api/tokens');
    state.tokens = tokens;
    onTokens(tokens);
  } catch (error) {
    if (error.code !== 'not_logged_in') showNotices([errorText(error)]);
  } finally {
    state.busy = false;
  }
}

function onTokens(tokens) {
  const current = tokens.find((t) => t.serial === state.serial);
  if (current) {
    showPinState(current.pin);
    renderTokenChoice(tokens);
    // Another card came in next to this one: list both, so that the operator can switch (not mid-renewal).
    if (!state.sticky && !$('card').hidden && $('pin').hidden) $('tokens').hidden = tokens.length < 2;
    return;
  }
  if (state.sticky) return;
  if (state.serial !== null) resetCard();
  if (tokens.length === 0) {
    show('waiting');
  } else if (tokens.length === 1) {
    void selectToken(tokens[0].serial);
  } else {
    renderTokenChoice(tokens);
    show('tokens');
  }
}

function renderTokenChoice(tokens) {
  const body = $('tokens-list');
  body.replaceChildren();
  for (const token of tokens) {
    const row = document.createElement('tr');
    cell(row, token.reader);
    cell(row, token.label);
    cell(row, token.serial);
    const action = cell(row, '');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = token.serial === state.serial ? 'In uso' : 'Scegli';
    button.disabled = token.serial === state.serial;
    button.setAttribute('aria-label', `${button.textContent}: carta ${token.serial}`);
    button.addEventListener('click', () => void selectToken(token.serial));
    action.appendChild(button);
    body.appendChild(row);
  }
}

function resetCard() {
  state.serial = null;
  state.card = null;
  state.renewal = null;
  state.sticky = false;
}

function backToReader() {
  resetCard();
  showNotices([]);
  onTokens(state.tokens);
}

// ---------- the card ----------

async function selectToken(serial) {
  state.serial = serial;
  state.renewal = null;
  state.sticky = false;
  $('card-loading').hidden = false;
  show('card', ...(state.tokens.length > 1 ? ['tokens'] : []));
  try {
    const card = await api('GET', `/api/cards/${encodeURIComponent(serial)}`);
    if (state.serial !== serial) return;
    state.card = card;
    renderCard(card);
  } catch (error) {
    if (state.serial === serial) fault(error);
  } finally {
    $('card-loading').hidden = true;
  }
}

function renderCard(card) {
  text('card-holder', card.customer?.name ?? 'non registrato nel back office');
  text('card-cf', card.holderCodiceFiscale ?? 'non leggibile');
  text('card-device', card.device ? `${card.device.serial} · ${card.device.issuer}` : `${card.token.serial} (non registrato)`);
  text('card-reader', `${card.token.reader} · ${card.token.label}`);

  const body = $('card-certificates').querySelector('tbody');
  body.replaceChildren();
  for (const certificate of card.certificates) {
    const row = document.createElement('tr');
    cell(row, certificateKindLabel(certificate.kind));
    cell(row, certificate.serialNumber);
    cell(row, dateTime(certificate.validUntil));
    cell(row, windowLabel(certificate.window), `window-${certificate.window}`);
    cell(row, `${date(certificate.windowOpensAt)} – ${date(certificate.windowClosesAt)}`);
    body.appendChild(row);
  }

  const problems = $('card-problems');
  problems.replaceChildren();
  for (const problem of card.problems) {
    const li = document.createElement('li');
    li.textContent = problemText(problem);
    if (problem === 'replacement_needed') {
      const link = document.createElement('a');
      link.href = replacementUrl(card.device?.serial ?? card.token.serial);
      link.target = '_blank';
      link.rel = 'noopener';
      link.className = 'button secondary';
      link.textContent = 'Richiedi la carta sostitutiva';
      li.appendChild(link);
    }
    problems.appendChild(li);
  }

  showPinState(card.token.pin);
  const open = card.openRenewal;
  $('open-renewal').hidden = open === null;
  const views = ['card', ...(state.tokens.length > 1 ? ['tokens'] : [])];
  if (open) {
    text('open-renewal-text', `Un rinnovo di questa carta è già aperto (${open.state === 'failed' ? 'fermo' : 'in corso'}${describeReached(open)}).`);
    show(...views);
  } else if (card.problems.length === 0) {
    renderChoice(card);
    show(...views, 'choose');
  } else {
    show(...views);
  }
}

function describeReached(renewal) {
  const parts = Object.entries(renewal.reached ?? {}).map(([kind, step]) => `${certificateKindLabel(kind)}: ${stepLabel(step)}`);
  return parts.length ? `; ultimo passo — ${parts.join(', ')}` : '';
}

$('resume-renewal').addEventListener('click', () => {
  if (!state.card?.openRenewal) return;
  state.renewal = state.card.openRenewal;
  askPin();
});

$('abandon-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const open = state.card?.openRenewal;
  if (!open) return;
  const reason = $('abandon-reason').value.trim();
  if (!reason) {
    showNotices(["Indicare il motivo dell'annullamento"]);
    $('abandon-reason').focus();
    return;
  }
  try {
    await api('POST', `/api/renewals/${open.renewalId}/abandon`, { reason });
    $('abandon-reason').value = '';
    showNotices(['Rinnovo annullato: i coupon sono stati restituiti.']);
    await selectToken(state.serial);
  } catch (error) {
    showNotices([errorText(error)]);
  }
});

// ---------- what to renew, and the payment ----------

function renderChoice(card) {
  const box = $('choose-certificates');
  box.replaceChildren();
  for (const certificate of card.certificates) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'certificate';
    input.value = certificate.kind;
    input.checked = true;
    input.addEventListener('change', refreshChoice);
    label.append(input, ` ${certificateKindLabel(certificate.kind)}`);
    box.appendChild(label);
  }
  const payAfter = card.payAfter;
  $('pay-after-choice').hidden = !payAfter.allowed;
  if (payAfter.allowed) {
    const vat = Math.round((payAfter.feeCents * payAfter.vatRateBp) / 10000);
    text('pay-after-detail', `Pagamento successivo: ${money(payAfter.feeCents)} + IVA ${payAfter.vatRateBp / 100}% (${money(payAfter.feeCents + vat)} in totale), addebitati al cliente dopo il rinnovo.`);
  }
  document.querySelector('input[name="payment"][value="coupons"]').checked = true;
  $('partial-reason').value = '';
  message('choose-error', '');
  refreshChoice();
}

function chosenCertificates() {
  return [...document.querySelectorAll('input[name="certificate"]:checked')].map((input) => input.value);
}

function refreshChoice() {
  const chosen = chosenCertificates();
  const total = state.card?.certificates.length ?? 0;
  $('partial-reason-box').hidden = !(chosen.length > 0 && chosen.length < total);
  const mode = document.querySelector('input[name="payment"]:checked').value;
  $('pay-coupons').hidden = mode !== 'coupons';
  $('pay-desk').hidden = mode !== 'desk_sale';
  $('pay-after-detail').hidden = mode !== 'pay_after';
  const scope = document.querySelector('input[name="coupon-scope"]:checked').value;
  const fields = $('coupon-fields');
  const kinds = scope === 'both' || chosen.length < 2 ? ['both'] : chosen;
  const kept = Object.fromEntries([...fields.querySelectorAll('input')].map((input) => [input.dataset.kind, input.value]));
  fields.replaceChildren();
  for (const kind of kinds) {
    const id = `coupon-${kind}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = kind === 'both' ? (chosen.length < 2 ? 'Codice del coupon' : 'Codice del coupon (valido per entrambi)') : `Coupon per ${certificateKindLabel(kind)}`;
    const input = document.createElement('input');
    input.type = 'text';
    input.id = id;
    input.dataset.kind = kind;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.value = kept[kind] ?? '';
    const pair = document.createElement('div');
    pair.append(label, input);
    fields.appendChild(pair);
  }
}

for (const input of document.querySelectorAll('input[name="payment"], input[name="coupon-scope"]')) input.addEventListener('change', refreshChoice);

$('choose-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  message('choose-error', '');
  const certificates = chosenCertificates();
  if (certificates.length === 0) return message('choose-error', 'Scegliere almeno un certificato');
  const body = { certificates, payment: null };
  if (!$('partial-reason-box').hidden) {
    const reason = $('partial-reason').value.trim();
    if (!reason) return message('choose-error', 'Indicare perché si rinnova un solo certificato');
    body.partialReason = reason;
  }
  const mode = document.querySelector('input[name="payment"]:checked').value;
  if (mode === 'coupons') {
    const coupons = [...$('coupon-fields').querySelectorAll('input')].map((input) => input.value.trim());
    if (coupons.some((c) => c === '')) return message('choose-error', 'Inserire il codice del coupon');
    body.payment = { mode, coupons };
  } else if (mode === 'desk_sale') {
    body.payment = { mode, method: document.querySelector('input[name="desk-method"]:checked').value };
  } else {
    body.payment = { mode };
  }
  try {
    state.renewal = await api('POST', `/api/cards/${encodeURIComponent(state.serial)}/renewals`, body);
    for (const input of $('coupon-fields').querySelectorAll('input')) input.value = '';
    askPin();
  } catch (error) {
    if (error.code === 'replacement_needed') return fault(error);
    message('choose-error', errorText(error));
  }
});

// ---------- the PIN and the run ----------

function askPin() {
  message('pin-error', '');
  $('pin-input').value = '';
  const token = state.tokens.find((t) => t.serial === state.serial);
  showPinState(token?.pin ?? state.card?.token.pin ?? 'ok');
  show('card', 'pin');
  $('pin-input').focus();
}

function showPinState(pin) {
  const words = pinStateText(pin);
  message('pin-state', words);
  const locked = pin === 'locked';
  $('pin-submit').disabled = locked;
  $('pin-input').disabled = locked;
}

$('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('pin-input');
  // Read once and cleared at once: the PIN lives in this one request body only.
  const body = JSON.stringify({ tokenSerial: state.serial, pin: input.value });
  input.value = '';
  if (!state.renewal || state.running) return;
  void run(state.renewal.renewalId, body);
});

async function run(renewalId, body) {
  state.running = true;
  message('pin-error', '');
  $('steps-list').replaceChildren();
  show('card', 'steps');
  const poller = setInterval(() => void pollProgress(renewalId), PROGRESS_POLL_MS);
  try {
    const response = await fetch(`/api/renewals/${renewalId}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
      body,
    });
    body = null;
    const json = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, json);
    await pollProgress(renewalId);
    state.renewal = json;
    completed(json);
  } catch (error) {
    await pollProgress(renewalId).catch(() => undefined);
    runFailed(error);
  } finally {
    clearInterval(poller);
    state.running = false;
  }
}

async function pollProgress(renewalId) {
  const progress = await api('GET', `/api/renewals/${renewalId}/progress`).catch(() => null);
  if (!progress) return;
  const list = $('steps-list');
  list.classList.toggle('many', progress.steps.length > 6);
  list.replaceChildren(
    ...progress.steps.map((step) => {
      const li = document.createElement('li');
      li.className = 'done';
      li.textContent = `${certificateKindLabel(step.certificateKind)}: ${stepLabel(step.step)} (${romeTime.format(new Date(step.at))})`;
      return li;
    }),
  );
}

function runFailed(error) {
  if (error.code === 'not_logged_in') return showLogin();
  if (error.code === 'pin_incorrect' || error.code === 'pin_invalid') {
    show('card', 'pin', ...(($('steps-list').children.length > 0) ? ['steps'] : []));
    message('pin-error', errorText(error));
    showPinState(error.pin ?? 'ok');
    $('pin-input').focus();
    return;
  }
  fault(error);
}

function completed(renewal) {
  state.sticky = true;
  const body = $('done-certificates').querySelector('tbody');
  body.replaceChildren();
  for (const kind of renewal.certificates) {
    const issued = renewal.issued?.[kind];
    const row = document.createElement('tr');
    cell(row, certificateKindLabel(kind));
    cell(row, issued?.serialNumber ?? '');
    cell(row, dateTime(issued?.validFrom));
    cell(row, dateTime(issued?.validUntil));
    body.appendChild(row);
  }
  $('receipt-link').href = `/api/renewals/${renewal.renewalId}/receipt`;
  show('steps', 'done');
  $('receipt-link').focus();
}

function fault(error) {
  state.sticky = true;
  text('fault-message', errorText(error));
  const pinLocked = error.code === 'pin_locked';
  text('fault-detail', pinLocked ? 'Il rinnovo resta al passo raggiunto e si riprende dopo lo sblocco del PIN.' : error.renewalId || state.renewal ? 'Il rinnovo resta al passo raggiunto: si riprende da qui o da un altro sportello, senza un secondo coupon.' : '');
  const replacement = error.code === 'replacement_needed';
  $('fault-replacement').hidden = !replacement;
  if (replacement) $('fault-replacement').href = replacementUrl(state.card?.device?.serial ?? state.serial ?? '');
  $('fault-resume').hidden = pinLocked;
  show(...($('steps-list').children.length > 0 ? ['steps'] : []), 'fault');
}

$('fault-resume').addEventListener('click', async () => {
  state.sticky = false;
  const serial = state.serial;
  if (!serial || !state.tokens.some((t) => t.serial === serial)) return backToReader();
  await selectToken(serial);
  if (state.card?.openRenewal) {
    state.renewal = state.card.openRenewal;
    askPin();
  }
});

$('next-card').addEventListener('click', () => backToReader());
$('fault-next-card').addEventListener('click', () => backToReader());

// ---------- start ----------

async function init() {
  try {
    state.desk = await api('GET', '/api/desk');
    $('demo-banner').hidden = !state.desk.demo;
    const { operator } = await api('GET', '/api/operator');
    if (operator) loggedIn(operator);
    else showLogin();
  } catch (error) {
    showNotices([errorText(error)]);
    showLogin();
  }
}

void init();
