// What the browser tests share: Debian's Chromium driven by playwright-core, the real server as a
// child process on a fresh data directory, screenshots under test-artifacts/screenshots/, and an
// axe-core accessibility check. The console must have been built (test/admin-ui/browser/globalSetup.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type ServerProcess } from '../../support/process';
import { tempDir } from '../../support/tmp';

const root = fileURLToPath(new URL('../../..', import.meta.url));
export const screenshotDir = join(root, 'test-artifacts', 'screenshots');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors and uncaught exceptions, for assertions and failure output. */
  errors: string[];
  close(): Promise<void>;
}

/** Debian's Chromium on a fresh profile (Playwright refuses `--user-data-dir` in args). */
export async function launchBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const profile = tempDir('bo-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    locale: options.locale ?? 'it-IT',
    timezoneId: 'Europe/Rome',
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      profile.remove();
    },
  };
}

export interface RunningServer extends ServerProcess {
  dataDir: string;
  stop(): Promise<void>;
}

/** The real server entry point (server/main.ts) on a free port and a fresh DATA_DIR. */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const data = tempDir('bo-browser-data-');
  const server = await startServer({ DATA_DIR: data.path, ...env });
  return {
    ...server,
    dataDir: data.path,
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exit;
      }
      data.remove();
    },
  };
}

/** Writes test-artifacts/screenshots/<name>.png (full page) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

let axeSource: string | undefined;
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core on the page as it is now and returns the violations of impact serious or critical.
 * axe's source is evaluated through the DevTools protocol, so the console's Content-Security-Policy
 * (which forbids inline scripts) stays in force and is tested too.
 */
export async function axeViolations(page: Page, options: { include?: string } = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(`${axeScript()}\n;void 0`);
  // A snackbar or a dialog fading in has blended colours for a moment: judge the page as it settles.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  const violations = await page.evaluate(async (include) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(include ? { include: [include] } : document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations;
  }, options.include ?? null);
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation and failing element, for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${v.help} — ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`))
    .join('\n');
}
