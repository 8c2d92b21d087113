// The console: react-admin on the back office's API. Resources come from resources/index.ts.
import { Admin, Resource } from 'react-admin';
import { authProvider } from './authProvider';
import { Dashboard } from './Dashboard';
import { dataProvider } from './dataProvider';
import { i18nProvider } from './i18n';
import { Layout } from './Layout';
import { LoginPage } from './LoginPage';
import { resources } from './resources';
import { theme } from './theme';

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
