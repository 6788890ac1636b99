/*
 * The reference client's dev server. It proxies the API and its socket, so the
 * browser sees one origin: no CORS setup, and the socket's Origin check passes
 * (Parley accepts its own origin). Point it elsewhere with PARLEY_URL.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const parleyUrl = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const apiRoutes = [
  '/signup',
  '/login',
  '/logout',
  '/users',
  '/current_user',
  '/send',
  '/chat',
  '/chats', // PUT/DELETE /chats/{id}/mute ('/chat' would match it as a prefix too; named for clarity)
  '/read',
  '/sync',
  '/messages',
  '/blocks',
  '/reports',
  '/push',
  '/uploads',
  '/attachments', // the files: fetched with the token, never linked (src/attachments.ts)
  '/search',
];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // public/ (Vite's default, named here): served and built as-is at the root, so sw.js is /sw.js, and the service
  // worker's scope is the whole client.
  publicDir: 'public',
  resolve: {
    // The SDK from its sources, as the e2e suite uses it; an app outside this repository installs @parley/client.
    alias: { '@parley/client': `${repositoryRoot}clients/typescript/src/index.ts` },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  // Named up front, so the first page load does not discover them and reload halfway.
  optimizeDeps: { include: ['react', 'react/jsx-runtime', 'react-dom/client', 'socket.io-client'] },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    fs: { allow: [repositoryRoot] },
    proxy: {
      ...Object.fromEntries(apiRoutes.map((route) => [route, parleyUrl])),
      '/socket.io': { target: parleyUrl, ws: true },
    },
  },
});
