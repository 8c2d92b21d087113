// react-admin's layout with two changes for accessibility:
//  - the user menu's accessible name includes the name it shows ("Profilo: Mario Rossi"), as
//    WCAG 2.5.3 (label in name) asks;
//  - progress indicators (the app bar's loading spinner, saving buttons) are named in the current
//    language ("Caricamento"): an unnamed progressbar is a serious axe violation.
import { ThemeProvider, type Theme } from '@mui/material/styles';
import { useCallback } from 'react';
import { AppBar, Layout as RaLayout, UserMenu, useGetIdentity, useTranslate, type LayoutProps } from 'react-admin';

function AccountMenu() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const label = identity?.fullName ? translate('app.user_menu', { name: identity.fullName }) : 'ra.auth.user_menu';
  return <UserMenu label={label} />;
}

const BackOfficeAppBar = () => <AppBar userMenu={<AccountMenu />} />;

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
  return (
    <ThemeProvider theme={withNamedProgress}>
      <RaLayout appBar={BackOfficeAppBar}>{children}</RaLayout>
    </ThemeProvider>
  );
}
