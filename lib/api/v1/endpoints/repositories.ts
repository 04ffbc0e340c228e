import 'server-only';
import { ValidationError } from '@/lib/errors';
import { importImage } from '@/lib/repositories/import/operation';
import { browseRepository, parseRemoteImageSearch } from '@/lib/repositories/browse';
import { createRepository, deleteRepository, refreshRepository, updateRepository } from '@/lib/repositories/operations';
import { listRepositories } from '@/lib/repositories/queries';
import { rawParams, type Endpoint } from '@/lib/api/v1/endpoint';

const tag = 'Image repositories';

/** Remote IMGAPI repositories and imports from them: the same operations as the Repositories pages. */
export const REPOSITORY_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/repositories',
    tag,
    summary: 'Repositories with their last refresh, image count and error',
    what: 'Repositories',
    load: (user) => ({ repositories: listRepositories(user) }),
  },
  {
    method: 'POST',
    path: '/repositories',
    tag,
    summary: 'Add a repository (SuperAdmins; at most 16)',
    op: createRepository,
    status: 201,
  },
  {
    method: 'PUT',
    path: '/repositories/{repositoryId}',
    tag,
    summary: 'Rename a repository or change its URL; a new URL drops the cached listing',
    op: updateRepository,
  },
  {
    method: 'DELETE',
    path: '/repositories/{repositoryId}',
    tag,
    summary: 'Remove a repository; imported images stay',
    op: deleteRepository,
    body: 'none',
  },
  {
    method: 'POST',
    path: '/repositories/{repositoryId}/refresh',
    tag,
    summary: 'Read the remote listing again and cache it',
    op: refreshRepository,
    body: 'none',
  },
  {
    method: 'GET',
    path: '/repositories/{repositoryId}/images',
    tag,
    summary: 'The cached listing, filtered and paged, with whether each image is here already',
    query: {
      q: 'name, version or description contains',
      os: 'IMGAPI os',
      type: 'IMGAPI type',
      page: 'page number, from 1 (25 per page)',
    },
    what: 'The repository',
    load: (user, { params, search }) => {
      const { filters, page, ignored } = parseRemoteImageSearch(rawParams(search));
      if (ignored.length > 0) throw new ValidationError(`Unusable query parameters: ${ignored.join(', ')}.`);
      return browseRepository(user, params.repositoryId!, filters, page);
    },
  },
  {
    method: 'POST',
    path: '/repositories/{repositoryId}/imports',
    tag,
    summary: 'Import one image (a job); dataCenterId binds it, and is required for ImageImportAdmins',
    op: importImage,
    status: 202,
  },
];
