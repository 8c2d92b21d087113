// Serves the console (the react-admin SPA built by `npm run build:ui` into dist/admin-ui) at `/`,
// with @fastify/static. Registered last in app.ts, after every API route, through one route,
// `GET /*` (public in the route table): more specific routes (`/api/…`, `/docs/…`, `/health`, `/metrics`)
// always win over it, and what reaches it is answered as follows.
//
//  - `/api…`, `/docs…`, `/health…`, `/metrics…`: never the console: the API's JSON 404.
//  - a file of the build (`/assets/index-3f2a.js`): sent, as .br/.gz when the browser accepts it
//    (the build writes both); hashed `/assets/` files are cached for a year, the rest revalidated.
//  - `/`, `/index.html`, and any other GET that accepts text/html (a reload on `/staff-users/12/show`):
//    index.html, never cached, so a new build is picked up at the next page load.
//  - anything else (a stale `/assets/` chunk after a new build, `/favicon.ico`): the JSON 404.
//  - no build at all: the pages above answer 503 with a short page saying to run `npm run build:ui`.
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const defaultConsoleRoot = fileURLToPath(new URL('../../../dist/admin-ui', import.meta.url));

export interface ConsoleOptions {
  /** The built console (default: dist/admin-ui at the repository root). */
  root?: string;
}

/** Path prefixes that belong to the server, never to the console. */
const SERVER_PREFIXES = ['/api', '/docs', '/health', '/metrics'];

const underServerPrefix = (path: string) => SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Console not built</title></head>
<body>
<h1>The console has not been built</h1>
<p>Run <code>npm run build:ui</code> (or <code>npm start</code>, which builds it first), then reload this page.</p>
<p lang="it">La console non è stata compilata: eseguire <code>npm run build:ui</code> e ricaricare la pagina.</p>
</body>
</html>
`;

function pathnameOf(request: FastifyRequest): string | null {
  const raw = request.url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

const acceptsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

export default fp<ConsoleOptions>(
  async (app, options) => {
    const root = resolve(options.root ?? defaultConsoleRoot);
    const indexHtml = join(root, 'index.html');

    const isFileOfBuild = (path: string): boolean => {
      const file = resolve(root, `.${path}`);
      if (!file.startsWith(root + sep)) return false;
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    };

    const sendIndex = (reply: FastifyReply) => {
      if (!existsSync(indexHtml)) {
        return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    };

    // Encapsulated: reply.sendFile stays inside this scope (another part of the app may register
    // @fastify/static for its own files).
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, { serve: false, preCompressed: true, suppressWarning: true, root });

      scope.get('/*', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
        const path = pathnameOf(request);
        if (path === null) return reply.callNotFound();
        if (underServerPrefix(path)) return reply.callNotFound();
        if (path === '/' || path === '/index.html') return sendIndex(reply);
        if (isFileOfBuild(path)) {
          if (path.startsWith('/assets/')) {
            return reply.sendFile(path.slice(1), root, { maxAge: '365d', immutable: true });
          }
          return reply.header('cache-control', 'no-cache').sendFile(path.slice(1), root, { cacheControl: false });
        }
        if (!path.startsWith('/assets/') && acceptsHtml(request)) return sendIndex(reply);
        return reply.callNotFound();
      });
    });
  },
  { name: 'console' },
);
