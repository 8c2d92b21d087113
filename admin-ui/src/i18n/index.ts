// The console's i18nProvider: Italian by default (bundled), English on demand (its own chunk).
// The language chosen from the menu is kept by react-admin in the browser's store; the page's
// `lang` attribute follows it, for screen readers.
import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { I18nProvider, TranslationMessages } from 'react-admin';
import it from './it';

export const locales = [
  { locale: 'it', name: 'Italiano' },
  { locale: 'en', name: 'English' },
] as const;

export type LocaleCode = (typeof locales)[number]['locale'];

const getMessages = (locale: string): TranslationMessages | Promise<TranslationMessages> =>
  locale === 'en' ? import('./en').then((m) => m.default) : it;

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
