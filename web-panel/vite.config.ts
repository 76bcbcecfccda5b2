// Vite build of the panel. Relative base so the game's server can serve it at `/`; the dev server
// proxies /ws and /api to a running YAMS server (YAMS_SERVER=host:port, default 127.0.0.1:8765).
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const server = process.env.YAMS_SERVER ?? '127.0.0.1:8765';

export default defineConfig({
  base: './',
  plugins: [svelte()],
  build: {
    outDir: process.env.YAMS_PANEL_OUT ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/ws': { target: `ws://${server}`, ws: true },
      '/api': { target: `http://${server}` },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
