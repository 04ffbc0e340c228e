import 'server-only';
import { applyImageAvailability } from '@/lib/availability/operations';
import { getImageAvailability } from '@/lib/availability/queries';
import { setImageAttachment } from '@/lib/images/attachment';
import { attachAndInstall, installImage } from '@/lib/install/operations';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import { attachmentSet, availabilityApplied, imageAvailability } from '@/lib/api/v1/responses/images';
import { jobQueued } from '@/lib/api/v1/responses/jobs';

const tag = 'Images';

/** Where an image may be used and where it is: data centers, Image Availability, installs. */
export const IMAGE_PLACEMENT_ENDPOINTS: Endpoint[] = [
  defineWrite({
    method: 'PUT',
    path: '/images/{imageId}/data-centers/{dataCenterId}',
    tag,
    summary: 'Attach the image to a data center',
    description:
      'A global image may be used in the data centers it is attached to; a data-center-bound image stays with its own. Attaching twice changes nothing.',
    op: setImageAttachment,
    body: 'none',
    fixed: { attached: true },
    response: attachmentSet,
  }),
  defineWrite({
    method: 'DELETE',
    path: '/images/{imageId}/data-centers/{dataCenterId}',
    tag,
    summary: 'Detach the image from a data center',
    description:
      'Refused with 428 while a machine in that data center uses the image. The image is withdrawn from the data center’s nodes.',
    op: setImageAttachment,
    body: 'none',
    fixed: { attached: false },
    response: attachmentSet,
  }),
  defineRead({
    method: 'GET',
    path: '/images/{imageId}/availability',
    tag,
    summary: 'Image Availability: every node the caller sees, with state and last job',
    description:
      'Every node of the data centers the image is attached to (or already on), grouped by data center, with the image’s state there, the machines using it, the last job, and why a row cannot be changed.',
    what: 'The image',
    response: imageAvailability,
    load: async (user, { params }) => await getImageAvailability(user, params.imageId!),
  }),
  defineWrite({
    method: 'PUT',
    path: '/images/{imageId}/availability',
    tag,
    summary: 'Apply availability: install on the available nodes, remove from the others shown',
    description:
      '`shown` lists the nodes the caller decided about and `available` those of them that should have the image: installs are queued on those, removals on the others. Making an image unavailable where a machine uses it is refused, changing nothing.',
    op: applyImageAvailability,
    response: availabilityApplied,
  }),
  defineWrite({
    method: 'POST',
    path: '/images/{imageId}/installs',
    tag,
    summary: 'Install the image on one node (a job)',
    description:
      'Queues an install job: preflight, transfer (push from the store or pull from the URL), verify, commit and record. Follow it at GET /jobs/{jobId}.',
    op: installImage,
    status: 202,
    response: jobQueued,
  }),
  defineWrite({
    method: 'POST',
    path: '/images/{imageId}/attach-and-install',
    tag,
    summary: 'Attach the image to the node’s data center and install it there, in one step',
    description:
      'For a global image not yet attached where the node is: both happen in one transaction, or neither. Refused as each step alone would be.',
    op: attachAndInstall,
    status: 202,
    response: jobQueued,
  }),
];
