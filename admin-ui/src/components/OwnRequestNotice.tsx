// Four eyes: a request is decided by someone other than whoever opened it. A supervisor who opens
// their own pending request sees why it has no approve or reject button.
import { Alert } from '@mui/material';
import { useGetIdentity, useRecordContext, useTranslate } from 'react-admin';
import { useCan } from './access';

interface OwnRequestNoticeProps {
  /** The resource whose `approve` right makes the buttons appear for others. */
  resource: string;
  /** The translation key of the notice. */
  message: string;
  testId: string;
}

export function OwnRequestNotice({ resource, message, testId }: OwnRequestNoticeProps) {
  const record = useRecordContext<{ status: string; requestedBy: string }>();
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const mayDecide = useCan(resource, 'approve');
  if (!record || !mayDecide || record.status !== 'pending' || identity?.id !== record.requestedBy) return null;
  return (
    <Alert severity="info" sx={{ m: 2, mb: 0 }} data-testid={testId}>
      {translate(message)}
    </Alert>
  );
}
