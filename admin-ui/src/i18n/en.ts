// English, selectable from the language menu: react-admin's messages from ra-language-english and
// the back office's own (same keys as it.ts). Loaded on demand, in its own chunk.
import type { TranslationMessages } from 'react-admin';
import englishMessages from 'ra-language-english';

const en: TranslationMessages = {
  ...englishMessages,
  app: {
    title: 'Back office',
    dashboard: {
      title: 'Dashboard',
      welcome: 'Welcome, %{name}',
      roles: 'Your roles: %{roles}',
      no_roles: 'No role assigned',
      hint: 'Pick an entry of the menu to start.',
    },
    roles: {
      operator: 'Desk operator',
      accountant: 'Accountant',
      supervisor: 'Supervisor',
      admin: 'Administrator',
    },
    user_menu: 'Profile: %{name}',
    language: 'Language',
  },
  resources: {
    'staff-users': {
      name: 'Staff user |||| Staff users',
      fields: {
        id: 'ID',
        username: 'Username',
        displayName: 'Display name',
        roles: 'Roles',
        disabled: 'Disabled',
        password: 'Initial password',
      },
    },
  },
};

export default en;
