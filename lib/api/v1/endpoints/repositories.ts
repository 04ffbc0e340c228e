import 'server-only';
import { ValidationError } from '@/lib/errors';
import { importImage } from '@/lib/repositories/import/operation';
import { browseRepository, parseRemoteImageSearch, REMOTE_IMAGE_SEARCH_FIELDS } from '@/lib/repositories/browse';
import { createRepository, deleteRepository, refreshRepository, updateRepository } from '@/lib/repositories/operations';
import { listRepositories } from '@/lib/repositories/queries';
import { defineRead, defineWrite, queryParameters, rawParams, type Endpoint } from '@/lib/api/v1/endpoint';
import { deletedByName } from '@/lib/api/v1/responses/administration';
import {
  importQueued,
  remoteImagePage,
  repositoryCreated,
  repositoryList,
  repositoryRefreshed,
  repositoryUpdated,
} from '@/lib/api/v1/responses/repositories';

const tag = 'Image repositories';

/** Remote IMGAPI repositories and imports from them: the same operations as the Repositories pages. */
export const REPOSITORY_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/repositories',
    tag,
    summary: 'Repositories with their last refresh, image count and error',
    description: 'For SuperAdmins and ImageImportAdmins.',
    what: 'Repositories',
    response: repositoryList,
    load: async (user) => ({ repositories: await listRepositories(user) }),
  }),
  defineWrite({
    method: 'POST',
    path: '/repositories',
    tag,
    summary: 'Add a repository (SuperAdmins; at most 16)',
    description:
      'The URL of an IMGAPI service; another portal’s is http(s)://<portal>/imgapi. Nothing is read until a refresh.',
    op: createRepository,
    status: 201,
    response: repositoryCreated,
  }),
  defineWrite({
    method: 'PUT',
    path: '/repositories/{repositoryId}',
    tag,
    summary: 'Rename a repository or change its URL; a new URL drops the cached listing',
    description: 'SuperAdmins only.',
    op: updateRepository,
    response: repositoryUpdated,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/repositories/{repositoryId}',
    tag,
    summary: 'Remove a repository; imported images stay',
    description: 'SuperAdmins only.',
    op: deleteRepository,
    body: 'none',
    response: deletedByName,
  }),
  defineWrite({
    method: 'POST',
    path: '/repositories/{repositoryId}/refresh',
    tag,
    summary: 'Read the remote listing again and cache it',
    description:
      'Reads the listing page by page, with a silence timeout and a cap on its size. A failed refresh keeps the last good listing and records the error (503).',
    op: refreshRepository,
    body: 'none',
    response: repositoryRefreshed,
  }),
  defineRead({
    method: 'GET',
    path: '/repositories/{repositoryId}/images',
    tag,
    summary: 'The cached listing, filtered and paged, with whether each image is here already',
    description:
      'Pages of 25, from the listing the last refresh cached; a value the listing cannot use is refused with 400.',
    query: queryParameters(REMOTE_IMAGE_SEARCH_FIELDS, {
      q: 'Name, version or description contains this',
      os: 'IMGAPI os',
      type: 'IMGAPI type',
      page: 'Page number, from 1',
    }),
    what: 'The repository',
    response: remoteImagePage,
    load: async (user, { params, search }) => {
      const { filters, page, ignored } = parseRemoteImageSearch(rawParams(search));
      if (ignored.length > 0) throw new ValidationError(`Unusable query parameters: ${ignored.join(', ')}.`);
      return await browseRepository(user, params.repositoryId!, filters, page);
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/repositories/{repositoryId}/imports',
    tag,
    summary: 'Import one image (a job); dataCenterId binds it, and is required for ImageImportAdmins',
    description:
      'The job reads the manifest afresh, streams the file into the store checking its SHA-1 and size, and creates the image with the remote uuid. Refused when the uuid or the name exists here; `name` gives it another.',
    op: importImage,
    status: 202,
    response: importQueued,
  }),
];
