import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// In development the sync server (npm run server) answers /api and /ws; the built app is
// served by the sync server itself, same origin.
const server = process.env.ATENDE_SERVER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // The service worker must live at the root of its scope, under a fixed name.
      input: { index: 'index.html', sw: 'src/sw.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
});
