import 'server-only';
import { z } from 'zod';
import { bytes, count, named, timestamp } from './registry';

export const repositoryList = named(
  'RepositoryList',
  z.object({
    repositories: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        url: z.string(),
        lastRefreshedAt: timestamp.nullable(),
        imageCount: count.nullable(),
        lastError: z.string().nullable(),
      }),
    ),
  }),
  'Repositories with their last refresh, image count and error',
);

export const remoteImagePage = named(
  'RemoteImagePage',
  z.object({
    repository: z.object({
      id: z.string(),
      name: z.string(),
      url: z.string(),
      createdAt: timestamp,
      lastRefreshedAt: timestamp.nullable(),
      imageCount: count.nullable(),
      lastError: z.string().nullable(),
    }),
    rows: z.array(
      z.object({
        uuid: z.string(),
        name: z.string(),
        version: z.string(),
        os: z.string(),
        type: z.string(),
        sizeBytes: bytes,
        compression: z.string(),
        publishedAt: z.string().nullable(),
        imported: z
          .object({ id: z.string(), name: z.string() })
          .nullable()
          .describe('The image as it exists here already, by uuid'),
        nameTaken: z.boolean().describe('Another image here has this name: the import needs another'),
      }),
    ),
    total: count,
    page: count,
    pageCount: count,
    options: z.object({ os: z.array(z.string()), type: z.array(z.string()) }).describe('The values to filter by'),
  }),
  'One page of a repository’s cached listing',
);

export const repositoryCreated = named('RepositoryCreated', z.object({ id: z.string() }));
export const repositoryUpdated = named(
  'RepositoryUpdated',
  z.object({ id: z.string(), cacheCleared: z.boolean().describe('A new URL drops the cached listing') }),
);
export const repositoryRefreshed = named(
  'RepositoryRefreshed',
  z.object({
    repositoryId: z.string(),
    imageCount: count,
    skipped: count.describe('Listed images that are not usable manifests'),
  }),
);
export const importQueued = named('ImportQueued', z.object({ jobId: z.string(), name: z.string() }));
