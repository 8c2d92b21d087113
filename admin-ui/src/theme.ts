// react-admin's light theme with darker blues and red, so that text on them (the app bar, buttons, the
// label of a focused field) keeps a contrast of at least 4.5:1 (WCAG AA; axe checks it). The
// "nothing here yet" page of an empty list uses the secondary text colour instead of the disabled
// one (2.7:1) for the same reason. Every <List> paginates with ListPagination (a total the server did
// not count reads "more than 10,000").
import { createElement } from 'react';
import { defaultLightTheme, type RaThemeOptions } from 'react-admin';
import { ListPagination } from './components/ListPagination';

export const theme: RaThemeOptions = {
  ...defaultLightTheme,
  palette: {
    ...defaultLightTheme.palette,
    primary: { main: '#1565c0', contrastText: '#fff' },
    secondary: { light: '#5e92f3', main: '#0d47a1', dark: '#002171', contrastText: '#fff' },
    // MUI's red (#d32f2f) on a focused filled field (#f0f0f0) is 4.36:1: a field's error label and
    // message need a darker one.
    error: { main: '#c62828', contrastText: '#fff' },
  },
  components: {
    ...defaultLightTheme.components,
    RaList: { defaultProps: { pagination: createElement(ListPagination) } },
    RaEmpty: {
      styleOverrides: {
        root: {
          '& .RaEmpty-message': { color: 'rgba(0, 0, 0, 0.7)' },
        },
      },
    },
  },
};
