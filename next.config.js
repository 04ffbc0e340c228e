// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // One build per e2e lane (e2e/support/lane.ts), so runs side by side never read each other's build.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and optional-native modules must be loaded by Node at run time, not bundled:
  // ssh2 pulls in cpu-features and its crypto bindings, better-sqlite3 is a native addon, and pg
  // asks for its optional native binding (pg-native).
  serverExternalPackages: ['ssh2', 'better-sqlite3', 'pg'],
  // The demo and the tests reach the portal on 127.0.0.1 as well as localhost.
  allowedDevOrigins: ['127.0.0.1'],
  poweredByHeader: false,
  // The one Pages Router route (the IMGAPI file, below) imports lib modules marked 'server-only'.
  // Left external, as Pages Router dependencies are by default, Node would load that package's
  // client-side guard and throw; bundled, Next resolves it as on every server route.
  bundlePagesRouterDependencies: true,
  // IMGAPI image files come from a Pages Router API route, which can send their Content-Length
  // (lib/imgapi/node-file-response.ts says why); before the file system, so nothing else answers.
  async rewrites() {
    return {
      beforeFiles: [{ source: '/imgapi/images/:uuid/file', destination: '/api/imgapi/images/:uuid/file' }],
      afterFiles: [],
      fallback: [],
    };
  },
};

module.exports = nextConfig;
