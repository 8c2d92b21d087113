// react-admin's login page with the language menu under the form, so the language can be chosen
// before signing in. Once it shows, the screens' messages are fetched in the background, so that
// signing in does not wait for them.
import { Box } from '@mui/material';
import { useEffect } from 'react';
import { Login, LoginForm, LocalesMenuButton, useTranslate } from 'react-admin';
import { loadSignedInMessages } from './i18n';

export function LoginPage() {
  const translate = useTranslate();
  useEffect(() => {
    const later = setTimeout(() => void loadSignedInMessages(), 300);
    return () => clearTimeout(later);
  }, []);
  return (
    <Login>
      <LoginForm />
      <Box component="nav" aria-label={translate('app.language')} sx={{ display: 'flex', justifyContent: 'center', pb: 2 }}>
        <LocalesMenuButton />
      </Box>
    </Login>
  );
}
