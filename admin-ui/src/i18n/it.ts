// Italian, the console's default language: react-admin's own messages (`ra.*`, ra-it.ts) and the
// back office's messages (`app.*`, `resources.*`). Keep the keys in step with en.ts. Loaded once
// someone is signed in (i18n/index.ts); the login page makes do with shell-it.ts.
import type { TranslationMessages } from 'react-admin';
import { app, resources } from './messages-it';
import { raItalian } from './ra-it';

const it: TranslationMessages = {
  ra: raItalian,
  app,
  resources,
};

export default it;
