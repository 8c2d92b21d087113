// What the console says before anyone is signed in, in Italian: react-admin's own messages (the
// login form, notifications), the page's title and language menu, and the server's refusals (a wrong
// password, a locked account). The first load carries only these; the rest of the Italian messages
// (it.ts: every screen's labels, the events' words) come in their own chunk at sign-in, so that the
// login page appears sooner on a slow link (issue #19).
import type { TranslationMessages } from 'react-admin';
import { errors } from './errors-it';
import { raItalian } from './ra-it';
import { shellApp } from './shellApp-it';

const shell: TranslationMessages = { ra: raItalian, app: { ...shellApp, errors } };

export default shell;
