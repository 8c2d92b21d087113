// The desk API answers its own page only. It listens on 127.0.0.1, but any web page open in the
// desk machine's browser could still send requests to it (a form post, a fetch in no-cors mode), or
// reach it under another name through DNS rebinding. So: the Host must be the kiosk's own
// address, a command (anything but GET/HEAD) must carry the Origin of the page the kiosk serves,
// and a browser's Sec-Fetch-Site, when sent, must say the request comes from that same origin.
import type { FastifyRequest } from 'fastify';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`: the Host values the kiosk answers to. */
export const ownHosts = (port: number): string[] => LOOPBACK_NAMES.map((name) => `${name}:${port}`);

/** Why the request is refused, or null when it comes from the kiosk's own page (or a direct visit). */
export function foreignRequest(request: FastifyRequest, port: number): string | null {
  const hosts = ownHosts(port);
  const host = (request.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) return `Host "${host}" is not the kiosk's own address (${hosts[0]})`;
  const origin = request.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
    return `Origin "${origin}" is not the kiosk's own page`;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  const command = request.method !== 'GET' && request.method !== 'HEAD';
  if (command && origin === undefined) return 'a command without an Origin header';
  return null;
}
