'use server';

import { serverAction } from '@/lib/actions/server-action';
import { importImage } from '@/lib/repositories/import/operation';
import { createRepository, deleteRepository, refreshRepository, updateRepository } from './operations';

const repositoryPages = () => ['/repositories'];

export const createRepositoryAction = serverAction(createRepository, { revalidate: repositoryPages });

export const updateRepositoryAction = serverAction(updateRepository, {
  revalidate: (r) => ['/repositories', `/repositories/${r.id}`],
});

export const deleteRepositoryAction = serverAction(deleteRepository, {
  revalidate: repositoryPages,
  redirectTo: () => '/repositories',
});

export const refreshRepositoryAction = serverAction(refreshRepository, {
  revalidate: (r) => ['/repositories', `/repositories/${r.repositoryId}`],
});

export const importImageAction = serverAction(importImage, { revalidate: () => ['/jobs', '/images'] });
