// Sending a domain command from a screen: `POST /api/<path>` through dataProvider.command, with
//  - one Idempotency-Key per submission: kept while the answer is unknown (a network failure, a 5xx,
//    or the server saying the first send is still running) so that sending again cannot do the
//    thing twice, and dropped once the server has answered;
//  - no second send while one is in flight (a double click does nothing twice);
//  - the server's refusal as a readable notification (`app.errors.<code>` when we have words for
//    it, else the server's message), and its field errors handed back for the form's fields;
//  - the screen refreshed afterwards: the server answers once the read models have the command's
//    events (read-your-writes), so what is fetched next shows the result.
import { useCallback, useRef, useState } from 'react';
import { useDataProvider, useNotify, useRefresh, useTranslate, type TranslateFunction } from 'react-admin';
import { newIdempotencyKey, type ApiErrorBody, type BackOfficeDataProvider } from '../dataProvider';

export interface CommandFailure {
  status: number | undefined;
  message: string;
  code: string | undefined;
  /** Field errors by dotted path, for a form's setSubmissionErrors. */
  errors: Record<string, string> | undefined;
}

/** The refusal as people read it: our words for known codes, else the server's message. */
export function failureOf(error: unknown, translate: TranslateFunction): CommandFailure {
  const e = error as { status?: number; message?: string; body?: Partial<ApiErrorBody> } | null;
  const body = e?.body && typeof e.body === 'object' ? e.body : undefined;
  const code = typeof body?.code === 'string' ? body.code : undefined;
  const serverMessage = (typeof body?.message === 'string' && body.message) || e?.message || 'ra.notification.http_error';
  // A body the httpClient has already said in the desk's language (with the code's values) is kept.
  const localised = typeof body?.serverMessage === 'string';
  let message = localised
    ? serverMessage
    : code
      ? translate(`app.errors.${code}`, { _: serverMessage })
      : translate(serverMessage, { _: serverMessage });
  if (e?.status === 403 && !code) message = translate('app.errors.forbidden');
  const errors = body?.errors && typeof body.errors === 'object' && Object.keys(body.errors).length > 0 ? body.errors : undefined;
  return { status: e?.status, message, code, errors };
}

/**
 * Whether what was sent may still take effect, so that sending again must reuse its key: no answer
 * (network), a failure of the server's (5xx), or the first send with this key still running.
 */
export function outcomeUnknown(failure: Pick<CommandFailure, 'status' | 'code'>): boolean {
  return failure.status === undefined || failure.status >= 500 || failure.code === 'idempotency_key_in_flight';
}

export interface RunOptions<T> {
  /** Notified on success (translated key or text; `smart_count` etc. in messageArgs). */
  success?: string | ((data: T) => string | undefined);
  successArgs?: Record<string, unknown>;
  /** Refresh the current screen afterwards (default true). */
  refresh?: boolean;
  /** Don't notify the refusal (the caller shows it). */
  quiet?: boolean;
}

export type RunResult<T> = { ok: true; data: T } | { ok: false; failure: CommandFailure };

export function useCommand() {
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [running, setRunning] = useState(false);
  const inFlight = useRef(false);
  const pendingKey = useRef<string | null>(null);

  const run = useCallback(
    async <T = unknown>(path: string, body: unknown = {}, options: RunOptions<T> = {}): Promise<RunResult<T>> => {
      if (inFlight.current) return { ok: false, failure: { status: undefined, message: 'in flight', code: 'in_flight', errors: undefined } };
      inFlight.current = true;
      setRunning(true);
      pendingKey.current ??= newIdempotencyKey();
      try {
        const { data } = await dataProvider.command<T>(path, body, { idempotencyKey: pendingKey.current });
        pendingKey.current = null;
        const message = typeof options.success === 'function' ? options.success(data) : options.success;
        if (message) notify(message, { type: 'success', messageArgs: options.successArgs });
        if (options.refresh !== false) refresh();
        return { ok: true, data };
      } catch (error) {
        const failure = failureOf(error, translate);
        // The server answered (a refusal): the next submission is a new request with a new key.
        if (!outcomeUnknown(failure)) pendingKey.current = null;
        if (!options.quiet) notify(failure.message, { type: 'error' });
        return { ok: false, failure };
      } finally {
        inFlight.current = false;
        setRunning(false);
      }
    },
    [dataProvider, notify, refresh, translate],
  );

  return { run, running };
}

/** For react-admin's Create: the server's refusal as a notification (field errors still go to the fields). */
export function useNotifyRefusal() {
  const notify = useNotify();
  const translate = useTranslate();
  return useCallback((error: unknown) => notify(failureOf(error, translate).message, { type: 'error' }), [notify, translate]);
}
