// Sign-in against the server's cookie session: the session lives in an HTTP-only cookie the
// console never sees; it only learns who is signed in from /api/auth/login and /api/auth/session.
//   POST /api/auth/login {username, password} → 200 {id, username, displayName, roles} + cookie
//   POST /api/auth/logout
//   GET  /api/auth/session → 200 {user: same shape, or null when nobody is signed in}
// (not /api/auth/me, whose 401 without a session would be noise on every load of the login page).
// A 401 from any call ends the session (react-admin goes to the login page); a 403 keeps it (the
// call's error message is shown).
//
// After signing in, react-admin returns to the page the session ended on. That page belongs to
// whoever was signed in then: another user (another role) would land on it, or on "Accesso negato".
// So the console remembers, for this tab, who was last signed in, and sends anyone else home.
import { HttpError, type AuthProvider, type UserIdentity } from 'react-admin';
import { isRole, type Role } from '../../domain/staff/roles';
import { isAllowed } from './access';
import { localiseErrorBody } from './serverErrors';

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
}

const api = '/api/auth';

/** The signed-in user as last confirmed by the server (undefined: not asked yet). */
let current: Promise<StaffUser | null> | undefined;

/** sessionStorage key: the id of the user last signed in on this tab (survives a reload, not the tab). */
const LAST_USER_KEY = 'backoffice.lastUserId';

function lastUserId(): string | null {
  try {
    return sessionStorage.getItem(LAST_USER_KEY);
  } catch {
    return null; // storage refused (privacy settings): everyone goes home after signing in
  }
}

function rememberUser(user: StaffUser | null) {
  if (!user) return;
  try {
    sessionStorage.setItem(LAST_USER_KEY, user.id);
  } catch {
    // see lastUserId
  }
}

function parseUser(json: unknown): StaffUser {
  const u = json as Partial<Record<keyof StaffUser, unknown>> | null;
  if (!u || (typeof u.id !== 'string' && typeof u.id !== 'number') || typeof u.username !== 'string') {
    throw new Error('ra.notification.http_error');
  }
  return {
    id: String(u.id),
    username: u.username,
    displayName: typeof u.displayName === 'string' && u.displayName ? u.displayName : u.username,
    roles: Array.isArray(u.roles) ? u.roles.filter(isRole) : [],
  };
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`${api}/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function errorOf(response: Response, fallback: string): Promise<HttpError> {
  let json: { message?: unknown } | undefined;
  try {
    json = (await response.json()) as { message?: unknown };
  } catch {
    json = undefined;
  }
  // The server's code said in the desk's language ("Nome utente o password errati"), its words as fallback.
  if (json && typeof (json as { code?: unknown }).code === 'string') json = localiseErrorBody(json as { code: string; message?: unknown });
  const message = typeof json?.message === 'string' && json.message ? json.message : fallback;
  return new HttpError(message, response.status, json);
}

async function fetchMe(): Promise<StaffUser | null> {
  const response = await call('GET', 'session');
  if (!response.ok) throw await errorOf(response, 'ra.message.auth_error');
  const { user } = (await response.json()) as { user?: unknown };
  const signedIn = user ? parseUser(user) : null;
  rememberUser(signedIn);
  return signedIn;
}

async function me(): Promise<StaffUser | null> {
  current ??= fetchMe().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

async function requireUser(): Promise<StaffUser> {
  const user = await me();
  if (!user) throw new HttpError('ra.auth.auth_check_error', 401);
  return user;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    current = undefined;
    const response = await call('POST', 'login', { username, password });
    if (!response.ok) {
      // 401 and 400 carry a code, said in the desk's language ("Nome utente o password errati").
      throw await errorOf(response, 'ra.auth.sign_in_error');
    }
    const user = parseUser(await response.json());
    const previous = lastUserId();
    rememberUser(user);
    current = Promise.resolve(user);
    // The page the last session ended on is this user's own (or nobody's): react-admin returns there.
    // Someone else's: home.
    return previous === null || previous === user.id ? undefined : { redirectTo: '/' };
  },

  async logout() {
    // Skip the call only when the server already said nobody is signed in.
    const known = current ? await current.catch(() => undefined) : undefined;
    current = Promise.resolve(null);
    if (known !== null) await call('POST', 'logout').catch(() => undefined);
    current = undefined;
  },

  async checkAuth() {
    // Asks the server each time (page changes): a session ended elsewhere is noticed at once.
    current = undefined;
    await requireUser();
  },

  async checkError(error: { status?: number } | undefined) {
    if (error?.status === 401) {
        current = Promise.resolve(null);
      throw new HttpError('ra.notification.logged_out', 401);
    }
    // 403 and everything else: stay signed in; the failed call shows its own message.
  },

  async getIdentity(): Promise<UserIdentity> {
    const user = await requireUser();
    return { id: user.id, fullName: user.displayName, username: user.username, roles: user.roles };
  },

  async getPermissions(): Promise<Role[]> {
    const user = await me();
    return user ? user.roles : [];
  },

  async canAccess({ resource, action }: { resource: string; action: string }) {
    const user = await me();
    return user ? isAllowed(user.roles, resource, action) : false;
  },
};
