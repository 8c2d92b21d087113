// Worker threads whose module is TypeScript. A worker does not inherit the loader its parent was
// started with (tsx), so the bootstrap registers tsx's loader before importing the module.
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL, workerData: unknown): Worker {
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
