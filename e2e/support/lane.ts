/**
 * Separate lanes let several e2e runs share one machine (two engineers, or CI and a developer):
 * E2E_LANE=n gives a run its own port, build directory, output directory and loopback addresses.
 * Lane 0, the default, is what `npm test` uses. Next adds a lane's build directory to
 * tsconfig.json's `include` when it builds there: leave that line out of commits.
 */
const lane = Number(process.env.E2E_LANE ?? 0);
if (!Number.isInteger(lane) || lane < 0 || lane > 9)
  throw new Error(`E2E_LANE must be 0 to 9, not ${process.env.E2E_LANE}`);

export const E2E_LANE = {
  port: 3210 + lane * 10,
  /** Next's build directory for this lane; `NEXT_DIST_DIR=<it> npx next build` builds it. */
  distDir: lane === 0 ? '.next' : `.next-lane-${lane}`,
  outputDir: lane === 0 ? 'test-results' : `test-results/lane-${lane}`,
  /** The upstream portal of the repository spec. */
  upstreamHost: `127.0.0.${104 + lane}`,
  /** The OpenStack Image service (glance-api) the publish spec starts. */
  cloudHost: `127.0.0.${114 + lane}`,
  /** The private PostgreSQL cluster of a run with E2E_DATABASE=postgres (e2e/support/database.ts). */
  postgresHost: `127.0.0.${124 + lane}`,
  /** sshd nodes get 127.0.<base + worker>.<n>; 24 workers per lane. */
  nodeOctetBase: 10 + lane * 24,
};
