// Builds the console: `npm run build:ui` (= `vite build --config admin-ui/vite.config.ts`) writes
// dist/admin-ui/, which server/plugins/app/console.ts serves at `/`.
//
// First load stays small (scripts/bundle-size.ts holds it to its budget): the dependencies the
// first page needs go to one long-cached `vendor` chunk, each resource's screens and the home page
// are lazy chunks (see src/resources/*/index.ts, App.tsx) and the parts of MUI and react-admin only
// they use travel with them, the app's English messages are loaded only when chosen (react-admin's
// own are in the vendor chunk: react-admin imports them). Every text asset also gets a .gz and a
// .br copy beside it, which the server sends to browsers that accept them.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = resolve(here, '../dist/admin-ui');

function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => /\.(js|css|html|svg|json|map)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name);
          const source = await readFile(path);
          if (source.length < 1024) return;
          await writeFile(`${path}.gz`, gzipSync(source, { level: 9 }));
          await writeFile(
            `${path}.br`,
            brotliCompressSync(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } }),
          );
        }),
      );
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // react, react-admin, MUI, emotion, react-query…: changes only when dependencies do.
            // `$initial`: only the modules the entry needs at once; a dependency that only lazy
            // screens use (inputs, date pickers, tables' parts…) is left to be split with them, or
            // every screen's libraries would be in the first load.
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, tags: ['$initial'] },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
