import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { parseAllowList, type Cidr } from '@/lib/net/addresses';
import { storeEnvSchema, storeLocation, type StoreLocation } from '@/lib/store/location';

/**
 * The portal's configuration, read from the environment and validated once.
 * Every setting has a default that works out of the box.
 */
const envSchema = z
  .object({
    PORTAL_DATA_DIR: z.string().min(1).default('./data'),
    /** A SQLite file (a path or `file:` URL; the default) or a PostgreSQL URL (`postgres://…`). */
    DATABASE_URL: z.string().min(1).optional(),
    AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    PORTAL_ADMIN_USER: z.string().min(1).optional(),
    PORTAL_ADMIN_PASSWORD: z.string().min(8, 'PORTAL_ADMIN_PASSWORD must be at least 8 characters').optional(),
    /** Jobs running at once across the whole portal: every process that runs jobs counts them together. */
    PORTAL_JOBS_MAX: z.coerce.number().int().min(1).max(256).default(8),
    /** Jobs one process runs at once; PORTAL_JOBS_MAX by default (the single-process setup). */
    PORTAL_PROCESS_JOBS_MAX: z.coerce.number().int().min(1).max(256).optional(),
    /**
     * Whether this web process runs jobs as well as queueing them. True by default, so one
     * `next start` is a whole portal; false where `npm run worker` processes run them.
     */
    PORTAL_RUN_JOBS: z.stringbool().default(true),
    /**
     * Data-center codes, comma-separated: this process runs only those data centers' jobs, and
     * processes bound to none leave those jobs to it while it is alive. Empty: any job.
     */
    PORTAL_WORKER_DATA_CENTERS: z
      .string()
      .default('')
      .transform((text) => [
        ...new Set(
          text
            .split(',')
            .map((code) => code.trim())
            .filter(Boolean),
        ),
      ]),
    /** Jobs running at once on one node. */
    PORTAL_JOBS_MAX_PER_NODE: z.coerce.number().int().min(1).max(64).default(2),
    /** Attempts a job gets before it fails for good; transient failures (a dropped connection) retry. */
    PORTAL_JOBS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    /** Wait before the first retry, in seconds; it doubles with every further attempt. */
    PORTAL_JOBS_RETRY_DELAY_S: z.coerce.number().min(0).max(3600).default(5),
    /**
     * Seconds a process's claim on a running job lasts without renewal. The owner renews it three times
     * per period; another process takes the job over only once it has expired (its owner died).
     */
    PORTAL_JOBS_LEASE_S: z.coerce.number().min(1).max(3600).default(30),
    /** Seconds an SSH connection attempt may take before it counts as failed. */
    PORTAL_SSH_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(20),
    /** Free space kept on a node's image directory beyond the image itself, in MiB. */
    PORTAL_DISK_MARGIN_MB: z.coerce.number().int().min(0).default(256),
    /** Free space kept in the portal's image store beyond every upload and import under way, in MiB. */
    PORTAL_STORE_MARGIN_MB: z.coerce.number().int().min(0).default(512),
    /** The most an imported file may hold once decompressed, in GiB, whatever its manifest says. */
    PORTAL_IMPORT_MAX_GB: z.coerce.number().min(0.001).max(1_000_000).default(200),
    /** Consecutive failed connections after which an enabled node is set to `error`. */
    PORTAL_NODE_ERROR_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
    /** Failed sign-ins for one username, within the window, before further attempts wait. */
    PORTAL_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    /** Failed sign-ins from one address (any usernames), within the window; higher, for shared NATs. */
    PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(10000).default(20),
    /** The sliding window over which failed sign-ins count, in minutes. */
    PORTAL_LOGIN_WINDOW_MIN: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    /** Take the client address from X-Forwarded-For as appended by a reverse proxy in front of the portal. */
    PORTAL_LOGIN_TRUST_PROXY: z.stringbool().default(false),
    /** Serve this portal's public images anonymously over IMGAPI at /imgapi; off unless chosen. */
    PORTAL_IMGAPI_SERVE: z.stringbool().default(false),
    /** Seconds a remote IMGAPI repository may stay silent (connecting, or between bytes) before the request fails. */
    PORTAL_IMGAPI_TIMEOUT_S: z.coerce.number().min(0.1).max(600).default(30),
    /** The largest image listing read from a remote repository, in MiB; a bigger one fails the refresh. */
    PORTAL_IMGAPI_LIST_MAX_MB: z.coerce.number().min(0.01).max(1024).default(32),
    /** CIDRs the portal's own requests (checksum lists, repositories) may reach although private, loopback or link-local. */
    PORTAL_OUTBOUND_ALLOW: z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseAllowList(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    /** Seals stored SSH private keys (lib/credentials/keyring.ts); generated into the data directory when unset. */
    PORTAL_ENCRYPTION_KEY: z.string().min(32, 'PORTAL_ENCRYPTION_KEY must be at least 32 characters').optional(),
    /** The key before the last rotation, so values a portal still running with it sealed stay readable. */
    PORTAL_PREVIOUS_ENCRYPTION_KEY: z
      .string()
      .min(32, 'PORTAL_PREVIOUS_ENCRYPTION_KEY must be at least 32 characters')
      .optional(),
  })
  .extend(storeEnvSchema.shape);

/** Where the database is: a SQLite file, or a PostgreSQL server. */
export type DatabaseLocation = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export type PortalConfig = {
  dataDir: string;
  database: DatabaseLocation;
  /** Where image files are kept (lib/store/location.ts). */
  store: StoreLocation;
  /**
   * This host's directory for files on their way into the store or out to a cloud: the store's own
   * directory when it is local (a finished file is renamed into place), else `scratch/` in the data
   * directory.
   */
  scratchDir: string;
  authSecret: string;
  port: number;
  adminUser?: string;
  adminPassword?: string;
  jobsMax: number;
  processJobsMax: number;
  runJobs: boolean;
  /** Data-center codes this process's job runner is bound to; empty when it is not bound. */
  workerDataCenters: string[];
  jobsMaxPerNode: number;
  jobsMaxAttempts: number;
  jobsRetryDelayMs: number;
  jobsLeaseMs: number;
  sshTimeoutMs: number;
  diskMarginBytes: number;
  storeMarginBytes: number;
  importMaxBytes: number;
  nodeErrorAfterFailures: number;
  login: { maxFailures: number; maxFailuresPerAddress: number; windowMs: number; trustProxy: boolean };
  imgapi: { serve: boolean; timeoutMs: number; listMaxBytes: number };
  outboundAllow: readonly Cidr[];
  /** From the environment only; without it the key lives in `$PORTAL_DATA_DIR/encryption-key`. */
  encryptionKey?: string;
  previousEncryptionKey?: string;
};

let cached: { key: string; config: PortalConfig } | undefined;

/** The configuration; parsed on first use and again only if the environment changed (tests). */
export function getConfig(): PortalConfig {
  // Every setting the schema reads; a test that changes one gets a configuration that has it.
  const key = JSON.stringify(Object.keys(envSchema.shape).map((name) => process.env[name]));
  if (cached?.key === key) return cached.config;
  const config = loadConfig(process.env);
  cached = { key, config };
  return config;
}

function loadConfig(env: NodeJS.ProcessEnv): PortalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid portal configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.PORTAL_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = storeLocation(e, dataDir);
  return {
    dataDir,
    database: databaseLocation(e.DATABASE_URL ?? path.join(dataDir, 'portal.db')),
    store,
    scratchDir: store.kind === 'local' ? store.dir : path.join(dataDir, 'scratch'),
    authSecret: e.AUTH_SECRET ?? readOrCreateSecret(dataDir),
    port: e.PORT,
    adminUser: e.PORTAL_ADMIN_USER,
    adminPassword: e.PORTAL_ADMIN_PASSWORD,
    jobsMax: e.PORTAL_JOBS_MAX,
    processJobsMax: e.PORTAL_PROCESS_JOBS_MAX ?? e.PORTAL_JOBS_MAX,
    runJobs: e.PORTAL_RUN_JOBS,
    workerDataCenters: e.PORTAL_WORKER_DATA_CENTERS,
    jobsMaxPerNode: e.PORTAL_JOBS_MAX_PER_NODE,
    jobsMaxAttempts: e.PORTAL_JOBS_MAX_ATTEMPTS,
    jobsRetryDelayMs: e.PORTAL_JOBS_RETRY_DELAY_S * 1000,
    jobsLeaseMs: e.PORTAL_JOBS_LEASE_S * 1000,
    sshTimeoutMs: e.PORTAL_SSH_TIMEOUT_S * 1000,
    diskMarginBytes: e.PORTAL_DISK_MARGIN_MB * 1024 * 1024,
    storeMarginBytes: e.PORTAL_STORE_MARGIN_MB * 1024 * 1024,
    importMaxBytes: Math.round(e.PORTAL_IMPORT_MAX_GB * 1024 ** 3),
    nodeErrorAfterFailures: e.PORTAL_NODE_ERROR_AFTER_FAILURES,
    login: {
      maxFailures: e.PORTAL_LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: e.PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: e.PORTAL_LOGIN_WINDOW_MIN * 60_000,
      trustProxy: e.PORTAL_LOGIN_TRUST_PROXY,
    },
    imgapi: {
      serve: e.PORTAL_IMGAPI_SERVE,
      timeoutMs: e.PORTAL_IMGAPI_TIMEOUT_S * 1000,
      listMaxBytes: Math.round(e.PORTAL_IMGAPI_LIST_MAX_MB * 1024 * 1024),
    },
    outboundAllow: e.PORTAL_OUTBOUND_ALLOW,
    encryptionKey: e.PORTAL_ENCRYPTION_KEY,
    previousEncryptionKey: e.PORTAL_PREVIOUS_ENCRYPTION_KEY,
  };
}

/** A `postgres://` or `postgresql://` URL names PostgreSQL; anything else a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** A PostgreSQL URL, or a SQLite file as a plain path or a `file:` URL. */
export function databaseLocation(url: string): DatabaseLocation {
  if (isPostgresUrl(url)) return { dialect: 'postgres', url };
  return { dialect: 'sqlite', file: path.resolve(url.replace(/^file:(\/\/)?/, '')) };
}

/**
 * The secret that signs sessions and encrypts SSH keys. Generated once into the data directory;
 * `wx` makes two processes starting together agree on one secret instead of overwriting each other.
 */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  try {
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
