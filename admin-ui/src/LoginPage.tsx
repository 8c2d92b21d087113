// react-admin's login page with the language menu under the form, so the language can be chosen
// before signing in.
import { Box } from '@mui/material';
import { Login, LoginForm, LocalesMenuButton, useTranslate } from 'react-admin';

export function LoginPage() {
  const translate = useTranslate();
  return (
    <Login>
      <LoginForm />
      <Box component="nav" aria-label={translate('app.language')} sx={{ display: 'flex', justifyContent: 'center', pb: 2 }}>
        <LocalesMenuButton />
      </Box>
    </Login>
  );
}
