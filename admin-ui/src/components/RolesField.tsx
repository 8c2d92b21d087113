// The roles of a staff user (or of a staff change request) as chips with their translated names.
import { Chip, Stack } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

export function RolesField(_props: { source?: 'roles'; label?: string; sortable?: boolean }) {
  const record = useRecordContext<{ roles?: string[] }>();
  const translate = useTranslate();
  if (!record?.roles?.length) return null;
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {record.roles.map((role) => (
        <Chip key={role} size="small" label={translate(`app.roles.${role}`, { _: role })} />
      ))}
    </Stack>
  );
}
