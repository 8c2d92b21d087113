// The back office's own words on the login page (`app.*`), shared by shell-it.ts and messages-it.ts.
export const shellApp = {
  title: 'Back office',
  language: 'Lingua',
};
