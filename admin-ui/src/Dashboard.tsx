// The home page after sign-in. A placeholder for now: who is signed in and with which roles.
import { Card, CardContent, Typography } from '@mui/material';
import { Title, useGetIdentity, usePermissions, useTranslate } from 'react-admin';

export function Dashboard() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const { permissions } = usePermissions<string[]>();
  const roles = (permissions ?? []).map((role) => translate(`app.roles.${role}`, { _: role }));
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="app.dashboard.title" />
      <CardContent>
        <Typography variant="h5" component="h1" gutterBottom>
          {translate('app.dashboard.welcome', { name: identity?.fullName ?? '' })}
        </Typography>
        <Typography data-testid="dashboard-roles">
          {roles.length ? translate('app.dashboard.roles', { roles: roles.join(', ') }) : translate('app.dashboard.no_roles')}
        </Typography>
        <Typography color="text.secondary" sx={{ mt: 1 }}>
          {translate('app.dashboard.hint')}
        </Typography>
      </CardContent>
    </Card>
  );
}
