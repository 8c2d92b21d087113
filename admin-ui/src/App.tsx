// The console: react-admin on the back office's API. Resources come from resources/index.ts.
import { lazy } from 'react';
import { Admin, Resource } from 'react-admin';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { i18nProvider } from './i18n';
import { Layout } from './Layout';
import { LoginPage } from './LoginPage';
import { resources } from './resources';
import { theme } from './theme';

// The home page is a lazy chunk like the screens: the login page does not need its cards and chart.
const Dashboard = lazy(() => import('./Dashboard').then((module) => ({ default: module.Dashboard })));

export function App() {
  return (
    <Admin
      title="Back office"
      disableTelemetry
      requireAuth
      authProvider={authProvider}
      dataProvider={dataProvider}
      i18nProvider={i18nProvider}
      loginPage={LoginPage}
      dashboard={Dashboard}
      layout={Layout}
      theme={theme}
    >
      {Object.entries(resources).map(([name, screens]) => (
        <Resource key={name} name={name} {...screens} />
      ))}
    </Admin>
  );
}
