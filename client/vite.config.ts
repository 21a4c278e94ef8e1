import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// Same target as the `npm start` default; override to point the dev client at another server.
const apiTarget = process.env.RALLY_DEV_API ?? 'http://localhost:3000';

export default defineConfig({
  root: clientRoot,
  plugins: [react()],
  resolve: {
    alias: { '@rally/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // hls.js and livekit-client are one library of about 570 kB each, loaded only by screens that
    // play video (lazy chunks); nothing in them can be split further, so they stay under this limit
    // and a real regression (a library landing in the entry chunk) still warns.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        // The libraries every screen loads change far less often than Rally's own code: in chunks of
        // their own they stay cached across upgrades. Only libraries of the entry chunk are named here,
        // so the lazy video libraries keep their own chunks.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/ },
            // zod-jitless.ts rides in zod's chunk: its z.config() must run before any schema is built,
            // and shared/'s schemas sit in chunks that the entry imports (they run before its body).
            { name: 'zod', test: /node_modules[\\/]zod[\\/]|[\\/]src[\\/]zod-jitless\.ts$/ },
            { name: 'socket-io', test: /node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io[\\/]component-emitter)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // shared/ lives outside the client root.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/readyz': { target: apiTarget },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
});
