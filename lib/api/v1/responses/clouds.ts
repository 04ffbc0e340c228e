import 'server-only';
import { z } from 'zod';
import { CLOUD_KINDS, DISK_FORMATS, PUBLICATION_STATUSES } from '@/lib/db/enums';
import { count, named, timestamp } from './registry';

/** What every answer says of an account: who it is, where it is bound, its last connection test. */
const accountFields = {
  id: z.string(),
  name: z.string(),
  kind: z.enum(CLOUD_KINDS),
  dataCenterId: z.string().nullable(),
  dataCenterName: z.string().nullable(),
  lastTestedAt: timestamp.nullable(),
  lastTestError: z.string().nullable(),
  lastSuccessAt: timestamp.nullable(),
};

export const cloudAccountList = named(
  'CloudAccountList',
  z.object({
    accounts: z.array(z.object({ ...accountFields, publishedCount: count })),
  }),
  'Cloud accounts with their binding and last connection test; never their secrets',
);

export const cloudAccountView = named(
  'CloudAccount',
  z.object({
    ...accountFields,
    /** Endpoint settings only: secrets are never returned. */
    settings: z.record(z.string(), z.unknown()),
    storedSecrets: z.array(z.string()),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  'One cloud account: its settings and the names of the secrets it holds, never their values',
);

export const cloudAccountSaved = named('CloudAccountSaved', z.object({ id: z.string() }), 'The account id');

export const connectionTested = named(
  'ConnectionTested',
  z.object({
    ok: z.boolean(),
    /** When it failed: credentials, not-found, unreachable, tls, refused or other. */
    reason: z.string().optional(),
    message: z.string().optional(),
  }),
  'The outcome of a connection test, in plain words; also recorded on the account',
);

export const publicationList = named(
  'PublicationList',
  z.object({
    publications: z.array(
      z.object({
        id: z.string(),
        accountId: z.string(),
        accountName: z.string(),
        accountKind: z.enum(CLOUD_KINDS),
        status: z.enum(PUBLICATION_STATUSES),
        remoteId: z.string().nullable(),
        remoteUrl: z.string().nullable(),
        formatSent: z.enum(DISK_FORMATS).nullable(),
        compared: z.record(z.string(), z.string()).nullable(),
        error: z.string().nullable(),
        jobId: z.string().nullable(),
        publishedAt: timestamp.nullable(),
        publishedBy: z.string().nullable(),
        updatedAt: timestamp,
      }),
    ),
  }),
  'Where an image is published: account, remote copy, format sent, checksums compared, status',
);

export const publicationRemoved = named('PublicationRemoved', z.object({ id: z.string() }), 'The publication id');
