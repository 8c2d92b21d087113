// GET /api/log-verification: the last verification recorded (when, by whom, its result, the first
// broken link if any) and the head hash now, to copy and keep; "Verifica ora" asks
// POST /api/log-verification (the server walks the log in a thread of its own) and shows the new result;
// the last verified head can be e-mailed to the accountants (POST /api/log-verification/head-email).
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Title, useDataProvider, useNotify, useTranslate } from 'react-admin';
import type { BackOfficeDataProvider } from '../../dataProvider';
import { formatRomeDateTime } from '../../format';

interface Head {
  position: number;
  hash: string;
}
interface Verification {
  ranBy: string;
  via: string;
  finishedAt: string;
  ok: boolean;
  verified: number;
  beforeChain: number;
  head: Head | null;
  broken: { position: number; stream: string; revision: number; kind: string; detail: string } | null;
  expectHeadFailure: string | null;
}
interface State {
  last: Verification | null;
  head: Head | null;
}

export default function LogVerificationPage() {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<BackOfficeDataProvider>();
  const [state, setState] = useState<State | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [emailTo, setEmailTo] = useState('');

  const load = useCallback(
    (signal?: AbortSignal) =>
      dataProvider
        .query<State>('log-verification', signal ? { signal } : {})
        .then(({ data }) => setState(data))
        .catch((e: unknown) => {
          if (!signal?.aborted) setError(e instanceof Error ? e.message : String(e));
        }),
    [dataProvider],
  );
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const verifyNow = async () => {
    setRunning(true);
    setError(null);
    try {
      await dataProvider.command('log-verification');
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
    }
  };

  const sendHead = async () => {
    setError(null);
    try {
      const { data: { head } } = await dataProvider.command<{ head: Head }>('log-verification/head-email', { to: emailTo.trim() });
      notify('app.logVerification.email_queued', { type: 'info', messageArgs: { head: `${head.position}:${head.hash.slice(0, 12)}…`, to: emailTo.trim() } });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const headText = state?.head ? `${state.head.position}:${state.head.hash}` : null;
  const last = state?.last ?? null;
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={translate('resources.log-verification.name', { smart_count: 1 })} />
      <CardContent>
        <Typography variant="body2" sx={{ mb: 2 }}>
          {translate('app.logVerification.explain')}
        </Typography>
        {error && (
          <Alert severity="error" sx={{ mb: 2 }}>
            {error}
          </Alert>
        )}
        {state && !last && <Alert severity="info" data-testid="log-never-verified">{translate('app.logVerification.never')}</Alert>}
        {last && (
          <Alert severity={last.ok ? 'success' : 'error'} data-testid="log-last-verification" sx={{ mb: 2 }}>
            <Box>
              {translate(last.ok ? 'app.logVerification.ok' : 'app.logVerification.failed', {
                at: formatRomeDateTime(last.finishedAt),
                by: last.ranBy,
                count: last.verified,
              })}
            </Box>
            {last.beforeChain > 0 && <Box>{translate('app.logVerification.before_chain', { count: last.beforeChain })}</Box>}
            {last.broken && (
              <Box data-testid="log-broken-link">
                {translate('app.logVerification.broken', { position: last.broken.position, stream: last.broken.stream, revision: last.broken.revision })}{' '}
                {translate(`app.logVerification.kind.${last.broken.kind}`)}
              </Box>
            )}
            {last.expectHeadFailure && <Box>{last.expectHeadFailure}</Box>}
          </Alert>
        )}
        <Typography variant="subtitle2">{translate('app.logVerification.head')}</Typography>
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 2, alignItems: { sm: 'center' } }}>
          <Typography component="code" data-testid="log-head" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
            {headText ?? translate('app.logVerification.no_head')}
          </Typography>
          {headText && (
            <Button
              size="small"
              startIcon={<ContentCopyIcon />}
              onClick={() => void navigator.clipboard?.writeText(headText).then(() => notify('app.logVerification.copied', { type: 'info' }))}
            >
              {translate('app.logVerification.copy')}
            </Button>
          )}
        </Stack>
        <Button variant="contained" onClick={() => void verifyNow()} disabled={running}>
          {translate(running ? 'app.logVerification.running' : 'app.logVerification.verify_now')}
        </Button>
        {last?.ok && (
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mt: 3, alignItems: { sm: 'center' } }}>
            <TextField
              size="small"
              type="email"
              label={translate('app.logVerification.email_to')}
              value={emailTo}
              onChange={(event) => setEmailTo(event.target.value)}
              sx={{ minWidth: 320 }}
            />
            <Button variant="outlined" disabled={emailTo.trim() === ''} onClick={() => void sendHead()}>
              {translate('app.logVerification.email_send')}
            </Button>
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}
