// Cross-site request forgery. The session cookie is SameSite=Strict, but that is the browser's
// promise alone, and some commands need no body at all (logout, resend coupons, disable a user,
// retry an e-mail, withdraw a product): a form or a fetch from another site could send them with
// the cookie. So every state-changing request that a browser marks as coming from elsewhere is
// refused before anything else runs:
//
//  - an `Origin` header that is not this server's own origin: PUBLIC_URL's, the one the request
//    was addressed to (its Host, or X-Forwarded-Host behind a trusted proxy), or a CORS_ORIGINS
//    entry. `Origin: null` (sandboxed frames, file: pages, some redirects) is not ours either;
//  - no `Origin` but `Sec-Fetch-Site: cross-site` or `same-site`: the browser says elsewhere, and
//    there is no origin to find in the allowed list.
//
// Requests with neither header are not from a browser's cross-site context (curl, other servers,
// the desk's kiosk agent) and pass: they carry no ambient cookie of a victim.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../plugins/app/access';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origins allowed beside the request's own host, normalised (`new URL(...).origin`). */
export function allowedOrigins(publicOrigin: string | null, corsOrigins: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const origin of [publicOrigin, ...corsOrigins]) {
    if (!origin) continue;
    try {
      out.add(new URL(origin).origin);
    } catch {
      // the configuration checks its origins; a test's odd one simply allows nothing
    }
  }
  return out;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** What a browser sends as Origin: scheme, host, maybe a port; nothing else (no path, no list). */
const ORIGIN_SHAPE = /^https?:\/\/[^/\s,?#@]+$/i;

function isOwn(origin: string, request: FastifyRequest, allowed: ReadonlySet<string>): boolean {
  if (!ORIGIN_SHAPE.test(origin)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.has(url.origin)) return true;
  // The host the request was sent to, read with the origin's scheme so that default ports agree
  // (Host "bo.example:443" and Origin "https://bo.example").
  try {
    return new URL(`${url.protocol}//${request.host}`).host === url.host;
  } catch {
    return false;
  }
}

/** Throws a 403 naming the header when a browser sent this state-changing request from elsewhere. */
export function refuseCrossSite(request: FastifyRequest, allowed: ReadonlySet<string>): void {
  if (!STATE_CHANGING.has(request.method)) return;
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    if (isOwn(origin, request, allowed)) return;
    throw new HttpError(
      403,
      'cross_origin_refused',
      `cross-origin request refused: ${request.method} with Origin ${JSON.stringify(origin.slice(0, 100))}, which is not this server's origin; ` +
        'use the console served by this server, or add that origin to CORS_ORIGINS',
    );
  }
  const site = header(request, 'sec-fetch-site')?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    throw new HttpError(
      403,
      'cross_origin_refused',
      `cross-origin request refused: ${request.method} with Sec-Fetch-Site: ${site} and no Origin header; use the console served by this server`,
    );
  }
}
