// react-admin's layout with the user menu's "Cambia password" (components/ChangePasswordDialog.tsx)
// and two changes for accessibility:
//  - the user menu's accessible name includes the name it shows ("Profilo: Mario Rossi"), as
//    WCAG 2.5.3 (label in name) asks;
//  - progress indicators (the app bar's loading spinner, saving buttons) are named in the current
//    language ("Caricamento"): an unnamed progressbar is a serious axe violation.
import PasswordIcon from '@mui/icons-material/Password';
import { ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { ThemeProvider, type Theme } from '@mui/material/styles';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AppBar, Loading, Logout, Layout as RaLayout, UserMenu, useGetIdentity, useTranslate, useUserMenu, type LayoutProps } from 'react-admin';
import { loadSignedInMessages, signedInMessagesLoaded } from './i18n';
import { useRefreshWhenReadModelsCatchUp } from './readModelsCatchUp';

// Its form and inputs are not needed until someone opens it: a lazy chunk, out of the first load.
const ChangePasswordDialog = lazy(() => import('./components/ChangePasswordDialog'));

function ChangePasswordItem({ onOpen }: { onOpen: () => void }) {
  const translate = useTranslate();
  const menu = useUserMenu();
  return (
    <MenuItem
      onClick={() => {
        menu?.onClose();
        onOpen();
      }}
    >
      <ListItemIcon>
        <PasswordIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('app.password.menu')}</ListItemText>
    </MenuItem>
  );
}

/** The user menu: changing one's own password, signing out. */
function AccountMenu() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const [changing, setChanging] = useState(false);
  const label = identity?.fullName ? translate('app.user_menu', { name: identity.fullName }) : 'ra.auth.user_menu';
  return (
    <>
      <UserMenu label={label}>
        <ChangePasswordItem onOpen={() => setChanging(true)} />
        <Logout />
      </UserMenu>
      {changing && (
        <Suspense fallback={null}>
          <ChangePasswordDialog open onClose={() => setChanging(false)} />
        </Suspense>
      )}
    </>
  );
}

const BackOfficeAppBar = () => <AppBar userMenu={<AccountMenu />} />;

/** Every screen's messages (fetched at sign-in, out of the first load): false until they are in use. */
function useSignedInMessages(): boolean {
  const [ready, setReady] = useState(signedInMessagesLoaded);
  useEffect(() => {
    if (!ready) void loadSignedInMessages().then(() => setReady(true));
  }, [ready]);
  return ready;
}

export function Layout({ children }: LayoutProps) {
  const translate = useTranslate();
  const loading = translate('ra.page.loading');
  const withNamedProgress = useCallback(
    (outer: Theme): Theme => ({
      ...outer,
      components: {
        ...outer.components,
        MuiCircularProgress: { ...outer.components?.MuiCircularProgress, defaultProps: { ...outer.components?.MuiCircularProgress?.defaultProps, 'aria-label': loading } },
        MuiLinearProgress: { ...outer.components?.MuiLinearProgress, defaultProps: { ...outer.components?.MuiLinearProgress?.defaultProps, 'aria-label': loading } },
      },
    }),
    [loading],
  );
  const ready = useSignedInMessages();
  useRefreshWhenReadModelsCatchUp();
  return (
    <ThemeProvider theme={withNamedProgress}>
      {ready ? <RaLayout appBar={BackOfficeAppBar}>{children}</RaLayout> : <Loading />}
    </ThemeProvider>
  );
}
