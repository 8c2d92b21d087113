// The server's refusals in the desk's language: the server sends a stable code with its values
// (`fieldErrors: [{field, code, params}]`, or `code` and `params`), and the console says it from its
// own catalogue (`app.errors.<code>`, i18n/errors-it.ts and errors-en.ts) in the language chosen.
// The server's English message is the fallback for a code the catalogue does not know yet.
import { formatEuro, formatRate } from './format';
import { i18nProvider } from './i18n';

/** One field at fault, as the server sends it (server/plugins/app/fieldErrors.ts). */
export interface ApiFieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

type Params = Record<string, string | number> | undefined;

/** Values ready for a text: `<name>_cents` as euro under `<name>`, `<name>_bp` as a percentage. */
export function textParams(params: Params): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    const cents = /^(.+)_cents$/.exec(key);
    const bp = /^(.+)_bp$/.exec(key);
    if (cents && typeof value === 'number' && Number.isInteger(value)) out[cents[1]!] = formatEuro(value);
    else if (bp && typeof value === 'number' && Number.isInteger(value)) out[bp[1]!] = formatRate(value);
    else out[key] = value;
  }
  return out;
}

/** The text for a code and its values; `fallback` (the server's words) when the catalogue has none. */
export function errorText(code: string, params: Params, fallback: string): string {
  return i18nProvider.translate(`app.errors.${code}`, { ...textParams(params), _: fallback });
}

interface ErrorBodyLike {
  code?: unknown;
  message?: unknown;
  params?: Params;
  errors?: Record<string, string>;
  fieldErrors?: ApiFieldError[];
}

/**
 * The body with its texts in the desk's language: `errors` (what react-admin's forms show beside
 * each field) from `fieldErrors`, and `message` (what notifications show) from the code, or
 * "n fields to fix" when there are several. The server's own words stay in `serverMessage`.
 */
export function localiseErrorBody<T extends ErrorBodyLike>(body: T): T & { serverMessage?: string; errors?: Record<string, string> } {
  if (!body || typeof body !== 'object' || typeof body.code !== 'string') return body;
  const serverMessage = typeof body.message === 'string' ? body.message : '';
  const fieldErrors = Array.isArray(body.fieldErrors) ? body.fieldErrors : [];
  const errors: Record<string, string> = {};
  for (const f of fieldErrors) {
    errors[f.field] ??= errorText(f.code, f.params, body.errors?.[f.field] ?? serverMessage);
  }
  const message =
    fieldErrors.length > 1
      ? i18nProvider.translate('app.errors.fields_to_fix', { smart_count: fieldErrors.length })
      : errorText(body.code, body.params ?? fieldErrors[0]?.params, serverMessage);
  return { ...body, message, serverMessage, ...(fieldErrors.length > 0 ? { errors } : {}) };
}
