// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and optional-native modules must be loaded by Node at run time, not bundled:
  // ssh2 pulls in cpu-features and its crypto bindings, better-sqlite3 is a native addon.
  serverExternalPackages: ['ssh2', 'better-sqlite3'],
  // The demo and the tests reach the portal on 127.0.0.1 as well as localhost.
  allowedDevOrigins: ['127.0.0.1'],
  poweredByHeader: false,
};

module.exports = nextConfig;
