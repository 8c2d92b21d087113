// Security settings of one running app: session lifetimes, login throttling, rate limits, CORS.
// The defaults are for production; tests pass a clock and smaller numbers to buildApp.
import { DEFAULT_LOG_N } from './password';

export type TrustProxy = false | number | string[];

export interface RateLimitSetting {
  /** Requests allowed per window and client address. */
  max: number;
  timeWindowMs: number;
}

export interface SecuritySettings {
  /** The clock of sessions, login throttling and event metadata (`at`). */
  now: () => Date;
  cookieName: string;
  /** Secure attribute of the session cookie: on whenever the console is served over HTTPS. */
  cookieSecure: boolean;
  /** A session ends after this long without a request... */
  sessionIdleMs: number;
  /** ...and in any case this long after login. */
  sessionMaxMs: number;
  /** Failed logins for one username from one address before each further attempt has to wait. */
  loginSlowdownAfter: number;
  /** The first wait; it doubles with every further failure. */
  loginSlowdownBaseMs: number;
  /** Failed logins for one username from one address that lock it, from that address... */
  loginLockAfter: number;
  /** ...for this long. */
  loginLockMs: number;
  /** Failed logins for one username from all addresses together before every attempt waits. */
  loginGlobalSlowdownAfter: number;
  /** The longest wait where a lock is never the answer (across addresses; the last admin). */
  loginMaxWaitMs: number;
  loginRateLimit: RateLimitSetting;
  couponCheckRateLimit: RateLimitSetting;
  /** PUBLIC_URL's origin: where browsers reach the console (state-changing requests must come from it, the request's own host or corsOrigins). */
  publicOrigin: string | null;
  /** Browser origins allowed to call the API from another origin (the console in development). */
  corsOrigins: string[];
  /**
   * Fastify's trustProxy: false (the peer is the client), a number of proxy hops, or the proxies'
   * addresses / CIDR ranges. Behind a reverse proxy without it, every client shares its address.
   */
  trustProxy: TrustProxy;
  /** scrypt cost (log2 N) for new password hashes. */
  passwordHashLogN: number;
  /**
   * METRICS_TOKEN: the bearer token a Prometheus scraper sends to GET /metrics (a scraper has no
   * session). Null: /metrics answers nobody.
   */
  metricsToken: string | null;
}

export const defaultSecuritySettings: SecuritySettings = {
  now: () => new Date(),
  cookieName: 'bo_session',
  cookieSecure: false,
  sessionIdleMs: 60 * 60_000,
  sessionMaxMs: 12 * 60 * 60_000,
  loginSlowdownAfter: 3,
  loginSlowdownBaseMs: 1_000,
  loginLockAfter: 10,
  loginLockMs: 15 * 60_000,
  loginGlobalSlowdownAfter: 100,
  loginMaxWaitMs: 60_000,
  loginRateLimit: { max: 30, timeWindowMs: 60_000 },
  couponCheckRateLimit: { max: 30, timeWindowMs: 60_000 },
  publicOrigin: null,
  corsOrigins: [],
  trustProxy: false,
  passwordHashLogN: DEFAULT_LOG_N,
  metricsToken: null,
};

export function securitySettings(overrides: Partial<SecuritySettings> = {}): SecuritySettings {
  return { ...defaultSecuritySettings, ...overrides };
}

/**
 * Over HTTPS the `__Host-` prefix makes browsers refuse the cookie unless it is Secure, for the
 * whole host (Path=/, no Domain) and set by this origin: a sibling subdomain or a plain-HTTP page
 * cannot plant or shadow a session. Plain HTTP (development) cannot use the prefix.
 */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-bo_session' : 'bo_session');
