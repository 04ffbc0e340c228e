import 'server-only';
import { ValidationError } from '@/lib/errors';
import { updateImage } from '@/lib/images/edit';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import { imageSearchFields, parseImageSearchParams } from '@/lib/images/list-schemas';
import { listImagesPage } from '@/lib/images/listing';
import { createImage } from '@/lib/images/operations';
import { purgeImage } from '@/lib/images/purge';
import { getImage } from '@/lib/images/queries';
import { uploadImageFile, uploadRequestOf } from '@/lib/store/upload';
import {
  defineRead,
  defineStream,
  defineWrite,
  queryParameters,
  rawParams,
  type Endpoint,
} from '@/lib/api/v1/endpoint';
import {
  fileUploaded,
  imageCreated,
  imageEdited,
  imagePage,
  imageView,
  imageWithAttachments,
  lifecycleChanged,
  purgeStarted,
} from '@/lib/api/v1/responses/images';

const tag = 'Images';

/** The catalogue itself: list, read, create, edit, upload a file, lifecycle, permanent delete. */
export const IMAGE_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/images',
    tag,
    summary: 'List images the caller may see, paged, sorted and filtered',
    description:
      'The Images page as data: filtering, sorting and paging are done in the database. A value the listing cannot use is refused with 400 naming it. Deleted images are left out unless `access` asks for them.',
    query: queryParameters(imageSearchFields(), {
      q: 'Name or alias contains this, in any case',
      osType: 'OS type',
      status: 'Image status',
      access: 'Access; `all` includes deleted images (default: public and private)',
      dataCenterId: 'Bound or attached to this data center',
      diskFormat: 'Disk format',
      tag: 'Has this tag',
      sort: 'Column to sort by',
      dir: 'Sort direction (default: the column’s own)',
      group: '`alias`: the versions of one alias together',
      page: 'Page number, from 1',
      pageSize: 'Images per page',
    }),
    what: 'Images',
    response: imagePage,
    load: (user, { search }) => {
      const parsed = parseImageSearchParams(rawParams(search));
      if (parsed.ignored.length > 0)
        throw new ValidationError(`Unusable query parameters: ${parsed.ignored.join(', ')}.`);
      return listImagesPage(user, {
        ...parsed.filters,
        ...parsed.order,
        page: parsed.page,
        pageSize: parsed.pageSize,
      });
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/images',
    tag,
    summary: 'Create an image',
    description:
      'Every attribute is checked as the form checks it. With `source: url` the nodes download the file from `sourceUrl`; with `source: upload` the image waits, pending, for its file at PUT /images/{imageId}/file.',
    op: createImage,
    status: 201,
    response: imageCreated,
  }),
  defineRead({
    method: 'GET',
    path: '/images/{imageId}',
    tag,
    summary: 'One image with the data centers it is attached to',
    description: 'Every attribute of the image. Credentials in a source URL are never shown.',
    what: 'The image',
    response: imageWithAttachments,
    load: async (user, { params }) => {
      const found = await getImage(user, params.imageId!);
      return found && { image: imageView(found.image), attachedDataCenterIds: found.attached };
    },
  }),
  defineWrite({
    method: 'PUT',
    path: '/images/{imageId}',
    tag,
    summary: 'Edit an image (every attribute; file fields only while no file exists)',
    description:
      'Sends the whole image, as the edit form does. Once a file exists (in the store or on a node) its source, checksums, size and disk format can no longer change, and an image others boot with cannot change its format.',
    op: updateImage,
    response: imageEdited,
  }),
  defineStream({
    method: 'PUT',
    path: '/images/{imageId}/file',
    tag,
    summary: 'Upload the image’s file into the portal’s image store',
    description:
      'For an image created with `source: upload`. The body is the file itself (Content-Type application/octet-stream, Content-Length required), streamed to disk and hashed on the way; a checksum given at creation is verified, and the file must be self-contained. Space is reserved first: a file that does not fit is refused at once with 507. The token is checked before a byte of the body is read.',
    body: 'stream',
    mediaType: 'application/octet-stream',
    refusals: [400, 401, 403, 404, 409, 411, 415, 507],
    response: fileUploaded,
    receive: async (user, params, request) => {
      const outcome = await uploadImageFile(user, params.imageId!, uploadRequestOf(request));
      if (!outcome.ok) return outcome;
      return { ok: true, data: { sha256: outcome.sha256, md5: outcome.md5, sizeBytes: outcome.sizeBytes } };
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/images/{imageId}/lifecycle',
    tag,
    summary: 'Enable or disable, change access (public, private, deleted) or the protected flag',
    description:
      'One change per call, named by `change`. A protected image cannot be disabled or deleted until the flag is cleared; a deleted image is hidden and unusable for new machines, and can be restored.',
    op: changeImageLifecycle,
    response: lifecycleChanged,
  }),
  defineWrite({
    method: 'POST',
    path: '/images/{imageId}/purge',
    tag,
    summary: 'Delete permanently; confirmName must be the image name',
    description:
      'Refused with 428 while a machine uses the image, and while another image boots with it. Otherwise the image is hidden at once, installs under way are cancelled, and uninstall jobs remove its file from every node; the row goes when the last of them ends.',
    op: purgeImage,
    response: purgeStarted,
  }),
];
