/**
 * The whole domain model. Properties are camelCase; the client and drizzle-kit both use
 * `casing: 'snake_case'`, so columns are snake_case. Times are stored as epoch milliseconds.
 */
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import {
  ACCESS_LEVELS,
  BOOT_TYPES,
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_CATEGORIES,
  IMAGE_STATUSES,
  JOB_KINDS,
  JOB_STATUSES,
  LOG_LEVELS,
  AUDIT_OUTCOMES,
  CLOUD_KINDS,
  MACHINE_STATUSES,
  NODE_IMAGE_STATES,
  NODE_STATUSES,
  OS_TYPES,
  PUBLICATION_STATUSES,
  ROLES,
} from './enums';

const createdAt = () => integer({ mode: 'timestamp_ms' }).notNull();
const timestamp = () => integer({ mode: 'timestamp_ms' });

// ── People ────────────────────────────────────────────────────────────────────

export const users = sqliteTable('users', {
  id: text().primaryKey(),
  username: text().notNull().unique(),
  name: text().notNull().default(''),
  passwordHash: text().notNull(),
  isSuperAdmin: integer({ mode: 'boolean' }).notNull().default(false),
  disabled: integer({ mode: 'boolean' }).notNull().default(false),
  /** Sessions signed in before this (a password reset) are no longer accepted. */
  sessionsValidFrom: timestamp(),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

export const roleGrants = sqliteTable(
  'role_grants',
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    dataCenterId: text()
      .notNull()
      .references(() => dataCenters.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.dataCenterId, t.role] }), index('role_grants_dc_idx').on(t.dataCenterId)],
);

/** Personal API tokens for the JSON API; only a hash is kept. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text().primaryKey(),
  userId: text()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  tokenHash: text().notNull().unique(),
  createdAt: createdAt(),
  lastUsedAt: timestamp(),
  revokedAt: timestamp(),
});

/**
 * Failed sign-ins, one row each, so login throttling counts per username and per address over a
 * sliding window and survives a restart (lib/auth/login-throttle.ts). A success deletes its
 * username's rows; rows older than the window are pruned as new ones come in.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: createdAt(),
    username: text().notNull(),
    /** The client address as lib/auth/client-address.ts reads it; null when unknown. */
    address: text(),
  },
  (t) => [
    index('login_failures_username_idx').on(t.username, t.at),
    index('login_failures_address_idx').on(t.address, t.at),
    index('login_failures_at_idx').on(t.at),
  ],
);

// ── Infrastructure ────────────────────────────────────────────────────────────

export const dataCenters = sqliteTable('data_centers', {
  id: text().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  description: text().notNull().default(''),
  /**
   * Whether an install to several nodes here sends the image once (to a seed) and has the other
   * nodes copy it from the seed over the data center's own network (lib/install/relay/). Off: every
   * node installs directly from the portal or the URL.
   */
  relayInstalls: integer({ mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
});

/** An SSH key pair; the private key is AES-256-GCM ciphertext (lib/credentials/crypto.ts). */
export const credentials = sqliteTable('credentials', {
  id: text().primaryKey(),
  name: text().notNull(),
  publicKey: text().notNull(),
  encryptedPrivateKey: text().notNull(),
  /**
   * Set on a key a node registration made (pasted or generated there) until the node is registered.
   * A registration abandoned for longer than that leaves no key behind: it is deleted, unless a node
   * logs in with it.
   */
  provisionalUntil: timestamp(),
  createdAt: createdAt(),
});

export const nodes = sqliteTable(
  'nodes',
  {
    id: text().primaryKey(),
    dataCenterId: text()
      .notNull()
      .references(() => dataCenters.id),
    name: text().notNull(),
    host: text().notNull(),
    port: integer().notNull().default(22),
    sshUser: text().notNull(),
    credentialId: text()
      .notNull()
      .references(() => credentials.id),
    /** `SHA256:<base64>` as OpenSSH prints it; pinned after the admin confirmed it. */
    hostKeyFingerprint: text().notNull(),
    imageDir: text().notNull(),
    /**
     * The address the node's peers in its data center reach its sshd on, for relayed installs
     * (lib/install/relay/); null means `host`. Also the source address a relayed copy to this node
     * is allowed from (`from=` on the seed's one-time key).
     */
    dcAddress: text(),
    status: text({ enum: NODE_STATUSES }).notNull().default('enabled'),
    statusReason: text(),
    lastError: text(),
    lastSeenAt: timestamp(),
    consecutiveFailures: integer().notNull().default(0),
    cpus: integer(),
    memoryBytes: integer(),
    diskTotalBytes: integer(),
    diskFreeBytes: integer(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('nodes_dc_name_unique').on(t.dataCenterId, t.name),
    uniqueIndex('nodes_address_unique').on(t.host, t.port),
    // A data center's node counts, all and enabled (lib/locations/node-counts.ts), from the index alone.
    index('nodes_dc_status_idx').on(t.dataCenterId, t.status),
  ],
);

export const sizes = sqliteTable('sizes', {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  vcpus: integer().notNull(),
  memoryMb: integer().notNull(),
  diskGb: text({ mode: 'json' }).$type<number[]>().notNull(),
  createdAt: createdAt(),
});

/** Where a size fits, as worked out by Sync Available Sizes. */
export const sizeDataCenters = sqliteTable(
  'size_data_centers',
  {
    sizeId: text()
      .notNull()
      .references(() => sizes.id, { onDelete: 'cascade' }),
    dataCenterId: text()
      .notNull()
      .references(() => dataCenters.id, { onDelete: 'cascade' }),
    available: integer({ mode: 'boolean' }).notNull(),
    reason: text(),
    checkedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sizeId, t.dataCenterId] })],
);

// ── Images ────────────────────────────────────────────────────────────────────

export const images = sqliteTable(
  'images',
  {
    id: text().primaryKey(),
    name: text().notNull().unique(),
    alias: text(),
    version: text().notNull().default('1'),
    description: text().notNull().default(''),
    osType: text({ enum: OS_TYPES }).notNull(),
    category: text({ enum: IMAGE_CATEGORIES }).notNull(),
    access: text({ enum: ACCESS_LEVELS }).notNull().default('public'),
    ownerId: text().references(() => users.id),
    dcBoundId: text().references(() => dataCenters.id),
    status: text({ enum: IMAGE_STATUSES }).notNull().default('ok'),
    protected: integer({ mode: 'boolean' }).notNull().default(false),
    diskFormat: text({ enum: DISK_FORMATS }).notNull(),
    containerFormat: text({ enum: CONTAINER_FORMATS }).notNull().default('bare'),
    // A table that references itself needs its column type spelled out (drizzle's AnySQLiteColumn).
    kernelImageId: text().references((): AnySQLiteColumn => images.id),
    ramdiskImageId: text().references((): AnySQLiteColumn => images.id),
    minDiskGb: integer().notNull().default(0),
    minRamMb: integer().notNull().default(0),
    bootType: text({ enum: BOOT_TYPES }).notNull().default('bios'),
    resizable: integer({ mode: 'boolean' }).notNull().default(true),
    shutdownAfterDeploy: integer({ mode: 'boolean' }).notNull().default(false),
    /** Nodes download this themselves (pull). Null when the file is in the portal's store. */
    sourceUrl: text(),
    /** File name inside the portal's image store (push); null for pull-only images. */
    storeFile: text(),
    sizeBytes: integer(),
    md5: text(),
    sha256: text(),
    sha1: text(),
    /** Set by the first verified publish to a cloud that compares SHA-512 (Glance), and reused after. */
    sha512: text(),
    virtualSizeBytes: integer(),
    tags: text({ mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'`),
    /**
     * Set by a permanent delete: the image waits, hidden and unusable, for the uninstall jobs that
     * remove its files from the nodes; the last of them to finish deletes the row.
     */
    purgeRequestedAt: timestamp(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('images_alias_version_unique').on(t.alias, t.version),
    index('images_dc_bound_idx').on(t.dcBoundId),
    index('images_status_access_idx').on(t.status, t.access),
    // The Images listing (lib/images/listing.ts), checked with EXPLAIN QUERY PLAN on the 10,000-image
    // seed (npm run seed:large). Without these every page was SCAN images + USE TEMP B-TREE FOR ORDER
    // BY: the whole table sorted for 25 rows, and the last page by name took tens of ms. With them
    // each sort walks its index and stops after the page: "SCAN images USING INDEX …", no temp
    // b-tree. The name breaks ties (ORDER BY col, name) and access rides along, so the default
    // filter (access <> 'deleted') and OFFSET skip rows inside the index, without reading them.
    index('images_name_nocase_idx').on(sql`${t.name} collate nocase`, t.name, t.access),
    index('images_created_idx').on(t.createdAt, t.name, t.access),
    index('images_size_idx').on(t.sizeBytes, t.name, t.access),
    index('images_version_idx').on(t.version, t.name, t.access),
    // Equality filters: "SEARCH images USING INDEX … (os_type=?)" instead of a scan; also the
    // filter form's distinct OS types.
    index('images_os_type_idx').on(t.osType),
    index('images_disk_format_idx').on(t.diskFormat),
  ],
);

/**
 * An image's tags, one row each: images.tags (the list as the API and IMGAPI give it) kept as
 * rows, so that the Images page filters by a tag and lists the tags in use through this primary
 * key instead of reading every image's JSON. Written with images.tags, in the same transaction
 * (lib/images/tags.ts).
 */
export const imageTags = sqliteTable(
  'image_tags',
  {
    tag: text().notNull(),
    imageId: text()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.tag, t.imageId] }), index('image_tags_image_idx').on(t.imageId)],
);

/** Which data centers may use an image (attach). */
export const imageDataCenters = sqliteTable(
  'image_data_centers',
  {
    imageId: text()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    dataCenterId: text()
      .notNull()
      .references(() => dataCenters.id, { onDelete: 'cascade' }),
    attachedAt: createdAt(),
    attachedBy: text().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.imageId, t.dataCenterId] }), index('image_dcs_dc_idx').on(t.dataCenterId)],
);

/**
 * When the portal last hashed an image's file in its store and found the image's sha256, and the
 * file as `stat` saw it then: size, mtime and ctime (ns, as `stat` prints them) and inode. A push
 * sends the file without hashing it again only while all of these still match
 * (lib/store/trusted-hashes.ts); the node hashes what it received either way.
 */
export const storeFileHashes = sqliteTable('store_file_hashes', {
  imageId: text()
    .primaryKey()
    .references(() => images.id, { onDelete: 'cascade' }),
  storeFile: text().notNull(),
  sha256: text().notNull(),
  sizeBytes: integer().notNull(),
  mtime: text().notNull(),
  ctime: text().notNull(),
  inode: text().notNull(),
  hashedAt: createdAt(),
});

/** Image availability on a node (OpenvCloud's `stack.images`). */
export const nodeImages = sqliteTable(
  'node_images',
  {
    nodeId: text()
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    imageId: text()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    state: text({ enum: NODE_IMAGE_STATES }).notNull(),
    available: integer({ mode: 'boolean' }).notNull().default(false),
    /**
     * Where the file is on the node. Set once, when the install first touches the node, and used by
     * every later step (resume, uninstall, sync, purge): nothing re-derives it from the image.
     */
    path: text(),
    installedAt: timestamp(),
    verifiedSha256: text(),
    /**
     * The size and modification time (as `stat -c %.9Y` prints it) of the file when the node last
     * hashed it to `verifiedSha256`. Sync trusts a file without hashing it again only while both match.
     */
    verifiedSizeBytes: integer(),
    verifiedMtime: text(),
    /** The node this copy was relayed from (lib/install/relay/); null when it came from the portal or its URL. */
    copiedFromNodeId: text().references((): AnySQLiteColumn => nodes.id, { onDelete: 'set null' }),
    lastJobId: text(),
    updatedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.nodeId, t.imageId] }),
    index('node_images_image_idx').on(t.imageId, t.state),
    // A node's rows by state: Location Details counts the images offered on its nodes from the
    // index alone, and Node Details a node's installed images.
    index('node_images_node_state_idx').on(t.nodeId, t.state, t.available),
    // Only the copies in trouble, few on a healthy portal: the Overview lists the images with the
    // latest trouble from here without reading the other rows. Queries must say
    // `state in ('missing', 'failed')` in these words for SQLite to use it.
    index('node_images_troubled_idx')
      .on(t.imageId, t.updatedAt, t.nodeId)
      .where(sql`state in ('missing', 'failed')`),
  ],
);

export const machines = sqliteTable(
  'machines',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    nodeId: text()
      .notNull()
      .references(() => nodes.id),
    imageId: text()
      .notNull()
      .references(() => images.id),
    status: text({ enum: MACHINE_STATUSES }).notNull().default('running'),
    createdAt: createdAt(),
  },
  (t) => [index('machines_image_idx').on(t.imageId), index('machines_node_idx').on(t.nodeId)],
);

// ── Jobs and audit ────────────────────────────────────────────────────────────

export const jobs = sqliteTable(
  'jobs',
  {
    id: text().primaryKey(),
    kind: text({ enum: JOB_KINDS }).notNull(),
    status: text({ enum: JOB_STATUSES }).notNull().default('queued'),
    nodeId: text().references(() => nodes.id, { onDelete: 'set null' }),
    imageId: text().references(() => images.id, { onDelete: 'set null' }),
    /** The image's name when the job was queued: the job still names it after the image is deleted for good. */
    imageName: text(),
    dataCenterId: text().references(() => dataCenters.id, { onDelete: 'set null' }),
    /** Kind-specific input, e.g. the transfer mode of an install. */
    params: text({ mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    /** Kind-specific outcome, e.g. the per-node summary of a sync. */
    result: text({ mode: 'json' }).$type<Record<string, unknown>>(),
    phase: text(),
    bytesDone: integer().notNull().default(0),
    bytesTotal: integer(),
    attempt: integer().notNull().default(0),
    maxAttempts: integer().notNull().default(1),
    /** A queued retry waits until then (backoff); null runs as soon as the limits allow. */
    runAfter: timestamp(),
    /** Bytes moved over the network across all attempts, so resumes show what they saved. */
    bytesTransferred: integer().notNull().default(0),
    /**
     * The process running the job, and until when its claim holds. The owner renews the lease on a
     * heartbeat; a running job whose lease expired (its process died) may be taken over by another.
     */
    owner: text(),
    leaseUntil: timestamp(),
    /** Set by a user to ask the running job to stop: `cancel` or `pause`. */
    controlRequest: text({ enum: ['cancel', 'pause'] }),
    error: text(),
    createdBy: text().references(() => users.id),
    createdAt: createdAt(),
    startedAt: timestamp(),
    finishedAt: timestamp(),
    updatedAt: createdAt(),
  },
  (t) => [
    index('jobs_status_idx').on(t.status, t.createdAt),
    // The Overview's "failed in the last 24 h".
    index('jobs_status_finished_idx').on(t.status, t.finishedAt),
    // Newest first, as every job listing sorts (the id breaks ties): a page is read off the index
    // instead of sorting 100,000 jobs; the same per data center (a DCAdmin's Jobs page, Location
    // Details' recent jobs) and per image (the Jobs filter, Image Details' recent jobs).
    index('jobs_created_idx').on(t.createdAt, t.id),
    index('jobs_dc_created_idx').on(t.dataCenterId, t.createdAt, t.id),
    index('jobs_image_created_idx').on(t.imageId, t.createdAt, t.id),
    index('jobs_node_image_idx').on(t.nodeId, t.imageId),
    // One active job per (node, image), enforced by SQLite too, so no two processes can race past it.
    uniqueIndex('jobs_one_active_per_node_image')
      .on(t.nodeId, t.imageId)
      .where(sql`status in ('queued', 'running')`),
    index('jobs_owner_idx').on(t.owner),
    // The claim (lib/jobs/claims.ts): it walks the queue oldest first and counts running jobs for
    // the limits. Partial, so both stay as small as the queue and the running set, and a planner
    // whose statistics predate a burst of queued jobs still reads one entry, not every one of them.
    index('jobs_queue_idx')
      .on(t.createdAt, t.id)
      .where(sql`status = 'queued'`),
    index('jobs_running_idx')
      .on(t.nodeId, t.leaseUntil)
      .where(sql`status = 'running'`),
  ],
);

export const jobEvents = sqliteTable(
  'job_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    jobId: text()
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    at: createdAt(),
    level: text({ enum: LOG_LEVELS }).notNull(),
    message: text().notNull(),
  },
  (t) => [index('job_events_job_idx').on(t.jobId, t.id)],
);

/**
 * The processes that run jobs (web processes with PORTAL_RUN_JOBS, and `npm run worker`), each
 * under its job owner id. A runner renews `aliveUntil` on its heartbeat; one whose time has passed
 * has stopped. The Jobs page lists them, and the claim reads the bindings below from here.
 */
export const jobRunners = sqliteTable('job_runners', {
  id: text().primaryKey(),
  role: text({ enum: ['web', 'worker'] }).notNull(),
  host: text().notNull(),
  pid: integer().notNull(),
  startedAt: createdAt(),
  aliveUntil: createdAt(),
});

/** A runner bound to data centers runs only their jobs; runners bound to none leave those jobs to it. */
export const jobRunnerDataCenters = sqliteTable(
  'job_runner_data_centers',
  {
    runnerId: text()
      .notNull()
      .references(() => jobRunners.id, { onDelete: 'cascade' }),
    dataCenterId: text()
      .notNull()
      .references(() => dataCenters.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.runnerId, t.dataCenterId] }), index('job_runner_dcs_dc_idx').on(t.dataCenterId)],
);

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: createdAt(),
    userId: text().references(() => users.id, { onDelete: 'set null' }),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    /** The data center the target belongs to, so DCAdmins can read the audit of their DCs. */
    dataCenterId: text(),
    outcome: text({ enum: AUDIT_OUTCOMES }).notNull(),
    details: text({ mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_dc_idx').on(t.dataCenterId, t.at),
    // Image Details' audit history: one target's latest events. With the action and user indexes it
    // also serves the Audit filters: a listing filtered by one of them reads it newest first, and
    // the options (the values that occur) are found by skipping from one value to the next, the
    // data center at the end deciding from the index alone whether a DCAdmin may read the event.
    index('audit_target_idx').on(t.targetType, t.targetId, t.at, t.dataCenterId),
    index('audit_action_idx').on(t.action, t.at, t.dataCenterId),
    index('audit_user_idx').on(t.userId, t.at, t.dataCenterId),
  ],
);

/**
 * Space held in the portal's image store by uploads and imports under way, so two of them cannot
 * both count on the same free bytes. A reservation belongs to a process and lapses with its lease,
 * so a process that died holds nothing; its temporary file is then fair game for clean-up.
 */
export const storeReservations = sqliteTable('store_reservations', {
  id: text().primaryKey(),
  /** The temporary file in the store that the reservation's stream writes. */
  tempFile: text().notNull().unique(),
  bytes: integer().notNull(),
  owner: text().notNull(),
  leaseUntil: createdAt(),
  createdAt: createdAt(),
});

// ── Remote image repositories (IMGAPI) ───────────────────────────────────────

export const imageRepositories = sqliteTable('image_repositories', {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  url: text().notNull(),
  lastRefreshedAt: timestamp(),
  imageCount: integer(),
  lastError: text(),
  /** The remote listing as last fetched, so browsing does not hit the remote each time. */
  cachedManifests: text({ mode: 'json' }).$type<unknown[]>(),
  createdAt: createdAt(),
});

// ── Publishing ────────────────────────────────────────────────────────────────

/**
 * An account in an external cloud that images are published to. `settings` are the kind's
 * endpoint settings in clear (lib/clouds/settings.ts); `sealedSecrets` its credentials, sealed like
 * SSH keys with the row's id as AAD, and never read back out of the server.
 */
export const cloudAccounts = sqliteTable('cloud_accounts', {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  kind: text({ enum: CLOUD_KINDS }).notNull(),
  settings: text({ mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  sealedSecrets: text().notNull(),
  /** Set: usable only for images bound to that data center. */
  dataCenterId: text().references(() => dataCenters.id, { onDelete: 'restrict' }),
  lastTestedAt: timestamp(),
  lastTestError: text(),
  lastSuccessAt: timestamp(),
  createdBy: text().references(() => users.id),
  createdAt: createdAt(),
  updatedAt: createdAt(),
});

/**
 * One image in one cloud account: where its copy is, what was sent and what was compared. Republishing
 * reuses the row; `remoteState` is what the running upload saved to resume or clean up.
 */
export const publications = sqliteTable(
  'publications',
  {
    id: text().primaryKey(),
    imageId: text()
      .notNull()
      .references(() => images.id, { onDelete: 'cascade' }),
    accountId: text()
      .notNull()
      .references(() => cloudAccounts.id, { onDelete: 'restrict' }),
    status: text({ enum: PUBLICATION_STATUSES }).notNull(),
    remoteId: text(),
    remoteUrl: text(),
    formatSent: text({ enum: DISK_FORMATS }),
    /** The checksums compared with the cloud's own, by algorithm. */
    compared: text({ mode: 'json' }).$type<Record<string, string>>(),
    remoteState: text({ mode: 'json' }).$type<Record<string, unknown>>(),
    error: text(),
    jobId: text().references(() => jobs.id, { onDelete: 'set null' }),
    publishedBy: text().references(() => users.id),
    publishedAt: timestamp(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('publications_image_account').on(t.imageId, t.accountId),
    index('publications_account_idx').on(t.accountId),
  ],
);
