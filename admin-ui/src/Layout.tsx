// react-admin's layout with one change: the user menu's accessible name includes the name it shows
// ("Profilo: Mario Rossi"), as WCAG 2.5.3 (label in name) asks.
import { AppBar, Layout as RaLayout, UserMenu, useGetIdentity, useTranslate, type LayoutProps } from 'react-admin';

function AccountMenu() {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  const label = identity?.fullName ? translate('app.user_menu', { name: identity.fullName }) : 'ra.auth.user_menu';
  return <UserMenu label={label} />;
}

const BackOfficeAppBar = () => <AppBar userMenu={<AccountMenu />} />;

export function Layout({ children }: LayoutProps) {
  return <RaLayout appBar={BackOfficeAppBar}>{children}</RaLayout>;
}
