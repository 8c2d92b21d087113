import ReplayIcon from '@mui/icons-material/Replay';
import { useRecordContext, useTranslate } from 'react-admin';
import { CommandDialog } from '../../components/CommandDialog';

export function RetryButton(_props: { label?: string }) {
  const record = useRecordContext<{ id: string; state: string }>();
  const translate = useTranslate();
  if (!record || record.state !== 'failed') return null;
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <CommandDialog
        label="app.emails.retry"
        icon={<ReplayIcon />}
        path={`emails/${record.id}/retry`}
        toBody={() => ({})}
        access={{ resource: 'emails', action: 'retry' }}
        success="app.emails.retried"
        description={translate('app.emails.retry_help')}
      />
    </span>
  );
}
