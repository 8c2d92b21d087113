// A coupon's code: in full for the desk, its last group for the others (the server decides which
// it sends), in a monospace font.
import { Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

export function CouponCode(_props: { source?: string; label?: string }) {
  const record = useRecordContext<{ code?: string | null; codeHint?: string }>();
  return (
    <Typography component="span" variant="body2" sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }} data-testid="coupon-code">
      {record?.code ?? record?.codeHint ?? ''}
    </Typography>
  );
}
