import 'server-only';
import { ValidationError } from '@/lib/errors';
import { cancelJob } from '@/lib/jobs/operations';
import { getJobView, getJobFilterImage, listJobFilterOptions, listJobsPage } from '@/lib/jobs/queries';
import { parseJobSearchParams } from '@/lib/jobs/schemas';
import { toJobSnapshot } from '@/lib/jobs/snapshot';
import { getDataCenter, listDataCenters, listNodesOfDataCenter } from '@/lib/locations/queries';
import { createDataCenter, renameDataCenter } from '@/lib/locations/operations';
import { machinesInDataCenter } from '@/lib/machines/queries';
import { recordMachine, removeMachine } from '@/lib/machines/operations';
import { getNodeDetails, listImagesOnNode } from '@/lib/nodes/queries';
import { rawParams, type Endpoint } from '@/lib/api/v1/endpoint';

/** Data centers, nodes, machines and jobs: the operations side of the JSON API v1. */
export const OPERATIONS_ENDPOINTS: Endpoint[] = [
  {
    method: 'GET',
    path: '/data-centers',
    tag: 'Data centers',
    summary: 'Data centers the caller may see',
    what: 'Data centers',
    load: (user) => ({ dataCenters: listDataCenters(user) }),
  },
  {
    method: 'POST',
    path: '/data-centers',
    tag: 'Data centers',
    summary: 'Create a data center',
    op: createDataCenter,
    status: 201,
  },
  {
    method: 'GET',
    path: '/data-centers/{dataCenterId}',
    tag: 'Data centers',
    summary: 'One data center with its nodes and machines',
    what: 'The data center',
    load: (user, { params }) => {
      const dataCenter = getDataCenter(user, params.dataCenterId!);
      return (
        dataCenter && {
          dataCenter,
          nodes: listNodesOfDataCenter(user, dataCenter.id),
          machines: machinesInDataCenter(user, dataCenter.id),
        }
      );
    },
  },
  {
    method: 'PUT',
    path: '/data-centers/{dataCenterId}',
    tag: 'Data centers',
    summary: 'Rename a data center (its code stays)',
    op: renameDataCenter,
  },
  {
    method: 'GET',
    path: '/nodes/{nodeId}',
    tag: 'Nodes',
    summary: 'One node with its images (public key only, never the private one)',
    what: 'The node',
    load: (user, { params }) => {
      const details = getNodeDetails(user, params.nodeId!);
      return details && { ...details, images: listImagesOnNode(details.node.id) };
    },
  },
  {
    method: 'POST',
    path: '/machines',
    tag: 'Machines',
    summary: 'Record a machine running on a node',
    op: recordMachine,
    status: 201,
  },
  {
    method: 'DELETE',
    path: '/machines/{machineId}',
    tag: 'Machines',
    summary: 'Forget a machine',
    op: removeMachine,
    body: 'none',
  },
  {
    method: 'GET',
    path: '/jobs',
    tag: 'Jobs',
    summary: 'Jobs the caller may see, newest first, paged and filtered',
    query: {
      status: 'job status',
      kind: 'job kind',
      nodeId: 'node',
      imageId: 'image',
      page: 'from 1',
      pageSize: '10, 25, 50 or 100',
    },
    what: 'Jobs',
    load: (user, { search }) => {
      const options = listJobFilterOptions(user);
      const parsed = parseJobSearchParams(rawParams(search), {
        nodeIds: options.nodes.map((n) => n.id),
        imageIds: (imageId: string) => getJobFilterImage(user, imageId) !== null,
      });
      if (parsed.ignored.length > 0)
        throw new ValidationError(`Unusable query parameters: ${parsed.ignored.join(', ')}.`);
      return listJobsPage(user, { ...parsed.filters, page: parsed.page, pageSize: parsed.pageSize });
    },
  },
  {
    method: 'GET',
    path: '/jobs/{jobId}',
    tag: 'Jobs',
    summary: 'One job with progress and its log',
    what: 'The job',
    load: (user, { params }) => {
      const view = getJobView(user, params.jobId!);
      return view && toJobSnapshot(view);
    },
  },
  { method: 'POST', path: '/jobs/{jobId}/cancel', tag: 'Jobs', summary: 'Cancel a job', op: cancelJob, body: 'none' },
];
