// The console plugin (server/plugins/app/console.ts) on its own, over a fake build in a temp dir.
import Fastify from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import consolePlugin from '../../server/plugins/app/console';
import { tempDir } from '../support/tmp';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

async function appOver(build: 'missing' | 'built') {
  const dir = tempDir('bo-console-');
  dirs.push(dir);
  if (build === 'built') {
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><title>console</title>');
    const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
    writeFileSync(join(dir.path, 'assets', 'index-abc123.js'), js);
    writeFileSync(join(dir.path, 'assets', 'index-abc123.js.gz'), gzipSync(js));
  }
  const app = Fastify();
  app.get('/api/things', async () => ['thing']);
  app.get('/health', async () => ({ status: 'ok' }));
  await app.register(consolePlugin, { root: dir.path });
  await app.ready();
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('console plugin', () => {
  it('serves index.html at / and for pages a browser asks for, uncached', async () => {
    const app = await appOver('built');
    for (const url of ['/', '/index.html', '/staff-users/42/show?x=1']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets for a year, gzipped when accepted', async () => {
    const app = await appOver('built');
    const res = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toContain('immutable');
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('console.log');
  });

  it('leaves the API, the docs, health and missing assets to the 404 handler', async () => {
    const app = await appOver('built');
    expect((await app.inject({ url: '/api/things' })).json()).toEqual(['thing']);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    for (const url of ['/api/nothing', '/api', '/docs/json', '/health/x', '/assets/gone-123.js', '/favicon.ico']) {
      const res = await app.inject({ url, headers: url === '/favicon.ico' ? { accept: 'image/*' } : html });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).not.toMatch(/^text\/html/);
    }
    expect((await app.inject({ method: 'POST', url: '/staff-users', headers: html })).statusCode).toBe(404);
  });

  it('never serves files outside the build', async () => {
    const app = await appOver('built');
    for (const url of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('"name"');
    }
  });

  it('says to run npm run build:ui when there is no build', async () => {
    const app = await appOver('missing');
    const res = await app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('npm run build:ui');
    expect((await app.inject({ url: '/api/things' })).statusCode).toBe(200);
  });
});
