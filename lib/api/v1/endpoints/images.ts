import 'server-only';
import { applyImageAvailability } from '@/lib/availability/operations';
import { getImageAvailability } from '@/lib/availability/queries';
import { ValidationError } from '@/lib/errors';
import { redactUrlCredentials } from '@/lib/format';
import { setImageAttachment } from '@/lib/images/attachment';
import { updateImage } from '@/lib/images/edit';
import { changeImageLifecycle } from '@/lib/images/lifecycle';
import { parseImageSearchParams } from '@/lib/images/list-schemas';
import { listImagesPage } from '@/lib/images/listing';
import { createImage } from '@/lib/images/operations';
import { purgeImage } from '@/lib/images/purge';
import { getImage, type ImageRow } from '@/lib/images/queries';
import { installImage } from '@/lib/install/operations';
import { rawParams, type Endpoint } from '@/lib/api/v1/endpoint';

const tag = 'Images';

/** What the API shows of an image: credentials in a source URL stay on the server, as in the UI. */
export function imageView(image: ImageRow) {
  const { storeFile, sourceUrl, ...rest } = image;
  return { ...rest, sourceUrl: sourceUrl && redactUrlCredentials(sourceUrl), inPortalStore: Boolean(storeFile) };
}

export const IMAGE_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/images',
    tag,
    summary: 'List images the caller may see, paged, sorted and filtered',
    query: {
      q: 'name or alias contains',
      osType: 'OS type',
      status: 'pending | ok | disabled | failed',
      access: 'public | private | deleted | all (default: public and private)',
      dataCenterId: 'bound to or attached to this data center',
      diskFormat: 'disk format',
      tag: 'has this tag',
      sort: 'name | version | created | size',
      dir: 'asc | desc',
      group: 'alias: versions of one alias together',
      page: 'page number, from 1',
      pageSize: 'images per page, up to 100',
    },
    what: 'Images',
    load: (user, { search }) => {
      const parsed = parseImageSearchParams(rawParams(search));
      if (parsed.ignored.length > 0)
        throw new ValidationError(`Unusable query parameters: ${parsed.ignored.join(', ')}.`);
      const page = listImagesPage(user, {
        ...parsed.filters,
        ...parsed.order,
        page: parsed.page,
        pageSize: parsed.pageSize,
      });
      return page;
    },
  },
  { method: 'POST', path: '/images', tag, summary: 'Create an image', op: createImage, status: 201 },
  {
    method: 'GET',
    path: '/images/{imageId}',
    tag,
    summary: 'One image with the data centers it is attached to',
    what: 'The image',
    load: (user, { params }) => {
      const found = getImage(user, params.imageId!);
      return found && { image: imageView(found.image), attachedDataCenterIds: found.attached };
    },
  },
  {
    method: 'PUT',
    path: '/images/{imageId}',
    tag,
    summary: 'Edit an image (every attribute; file fields only while no file exists)',
    op: updateImage,
  },
  {
    method: 'POST',
    path: '/images/{imageId}/lifecycle',
    tag,
    summary: 'Enable or disable, change access (public, private, deleted) or the protected flag',
    op: changeImageLifecycle,
  },
  {
    method: 'POST',
    path: '/images/{imageId}/purge',
    tag,
    summary: 'Delete permanently; confirmName must be the image name',
    op: purgeImage,
  },
  {
    method: 'PUT',
    path: '/images/{imageId}/data-centers/{dataCenterId}',
    tag,
    summary: 'Attach the image to a data center',
    op: setImageAttachment,
    body: 'none',
    fixed: { attached: true },
  },
  {
    method: 'DELETE',
    path: '/images/{imageId}/data-centers/{dataCenterId}',
    tag,
    summary: 'Detach the image from a data center',
    op: setImageAttachment,
    body: 'none',
    fixed: { attached: false },
  },
  {
    method: 'GET',
    path: '/images/{imageId}/availability',
    tag,
    summary: 'Image Availability: every node the caller sees, with state and last job',
    what: 'The image',
    load: (user, { params }) => getImageAvailability(user, params.imageId!),
  },
  {
    method: 'PUT',
    path: '/images/{imageId}/availability',
    tag,
    summary: 'Apply availability: install on the available nodes, remove from the others shown',
    op: applyImageAvailability,
  },
  {
    method: 'POST',
    path: '/images/{imageId}/installs',
    tag,
    summary: 'Install the image on one node (a job)',
    op: installImage,
    status: 202,
  },
];
