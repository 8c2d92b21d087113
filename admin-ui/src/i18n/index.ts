// The console's i18nProvider: Italian by default, English on demand (its own chunk). The first load
// carries only what the login page says (shell-it.ts); the whole Italian catalogue (it.ts) is
// fetched at sign-in and the Layout waits for it (useSignedInMessages) before showing any screen.
// The language chosen from the menu is kept by react-admin in the browser's store; the page's
// `lang` attribute follows it, for screen readers.
import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { I18nProvider, TranslationMessages } from 'react-admin';
import shell from './shell-it';

export const locales = [
  { locale: 'it', name: 'Italiano' },
  { locale: 'en', name: 'English' },
] as const;

export type LocaleCode = (typeof locales)[number]['locale'];

let italian: TranslationMessages | null = null;

const getMessages = (locale: string): TranslationMessages | Promise<TranslationMessages> =>
  locale === 'en' ? import('./en').then((m) => m.default) : (italian ?? shell);

const polyglot = polyglotI18nProvider(getMessages, 'it', [...locales]);

function setDocumentLanguage(locale: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export const i18nProvider: I18nProvider = {
  ...polyglot,
  changeLocale: async (locale, options) => {
    await polyglot.changeLocale(locale, options);
    setDocumentLanguage(locale);
  },
};

let loading: Promise<void> | null = null;

/** True once every screen's messages are at hand (in Italian, and in English when chosen). */
export const signedInMessagesLoaded = (): boolean => italian !== null;

/** Fetches the whole Italian catalogue once and puts it in use (the login page may call it early, to have it ready). */
export function loadSignedInMessages(): Promise<void> {
  loading ??= import('./it').then(async (m) => {
    italian = m.default;
    // English, when chosen, has every message already (and may be on its way: leave it be).
    if (polyglot.getLocale() === 'it') await polyglot.changeLocale('it');
  });
  return loading;
}
