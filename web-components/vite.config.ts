// Builds the single-page app from web-components/index.html into dist/web/ with content-hashed assets.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The manifest lets the benchmark sum exactly the chunks the dashboard loads.
    manifest: true,
    // The polyfill would be an extra script; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
});
