// English, selectable from the language menu: react-admin's messages from ra-language-english and
// the back office's own (same keys as it.ts). Loaded on demand, in its own chunk.
import type { TranslationMessages } from 'react-admin';
import { app, resources } from './messages-en';
import englishMessages from 'ra-language-english';

const en: TranslationMessages = {
  ...englishMessages,
  app,
  resources,
};

export default en;
