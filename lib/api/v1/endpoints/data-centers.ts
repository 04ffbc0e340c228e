import 'server-only';
import { getDataCenter, listDataCenters, listNodesOfDataCenter } from '@/lib/locations/queries';
import { createDataCenter, renameDataCenter, setRelayInstalls } from '@/lib/locations/operations';
import { machinesInDataCenter } from '@/lib/machines/queries';
import { sizesForDataCenter } from '@/lib/sizes/queries';
import { startImageSync, startSizeSync } from '@/lib/sync/operations';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import { sizeList } from '@/lib/api/v1/responses/administration';
import { jobQueued } from '@/lib/api/v1/responses/jobs';
import {
  dataCenterCreated,
  dataCenterDetails,
  dataCenterList,
  dataCenterRenamed,
  relayInstallsSet,
} from '@/lib/api/v1/responses/locations';

const tag = 'Data centers';

/** Data centers, what is on them, and the syncs that read their nodes. */
export const DATA_CENTER_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/data-centers',
    tag,
    summary: 'Data centers the caller may see',
    description: 'SuperAdmins see every data center; others those they hold a role on, with node counts.',
    what: 'Data centers',
    response: dataCenterList,
    load: async (user) => ({ dataCenters: await listDataCenters(user) }),
  }),
  defineWrite({
    method: 'POST',
    path: '/data-centers',
    tag,
    summary: 'Create a data center',
    description: 'SuperAdmins only. The code is unique and never changes; the name may.',
    op: createDataCenter,
    status: 201,
    response: dataCenterCreated,
  }),
  defineRead({
    method: 'GET',
    path: '/data-centers/{dataCenterId}',
    tag,
    summary: 'One data center with its nodes and machines',
    description:
      'Location Details as data: the nodes with status, capacity and image counts, and the machines on them.',
    what: 'The data center',
    response: dataCenterDetails,
    load: async (user, { params }) => {
      const dataCenter = await getDataCenter(user, params.dataCenterId!);
      return (
        dataCenter && {
          dataCenter,
          nodes: await listNodesOfDataCenter(user, dataCenter.id),
          machines: await machinesInDataCenter(user, dataCenter.id),
        }
      );
    },
  }),
  defineWrite({
    method: 'PUT',
    path: '/data-centers/{dataCenterId}',
    tag,
    summary: 'Rename a data center (its code stays)',
    description: 'SuperAdmins only.',
    op: renameDataCenter,
    response: dataCenterRenamed,
  }),
  defineWrite({
    method: 'PUT',
    path: '/data-centers/{dataCenterId}/relay-installs',
    tag,
    summary: 'Turn copying images between the data center’s nodes on or off',
    description:
      'SuperAdmins only. On, an install to several nodes sends the image once and the other nodes copy it from a node that has it; off, every node installs directly.',
    op: setRelayInstalls,
    response: relayInstallsSet,
  }),
  defineWrite({
    method: 'POST',
    path: '/data-centers/{dataCenterId}/sync-images',
    tag,
    summary: 'Sync Available Images (a job); verify re-hashes the files',
    description:
      'Lists each enabled node’s files and sidecars and reconciles what the portal records: found files become installed only on a hash the node computed, gone files missing. With `verify`, every file is hashed again.',
    op: startImageSync,
    status: 202,
    response: jobQueued,
  }),
  defineWrite({
    method: 'POST',
    path: '/data-centers/{dataCenterId}/sync-sizes',
    tag,
    summary: 'Sync Available Sizes (a job)',
    description: 'Reads each node’s capacity and records which VM sizes fit in the data center, and why not.',
    op: startSizeSync,
    status: 202,
    body: 'none',
    response: jobQueued,
  }),
  defineRead({
    method: 'GET',
    path: '/data-centers/{dataCenterId}/sizes',
    tag: 'Sizes',
    summary: 'VM sizes, with whether each fits in this data center and why not',
    description:
      'Every size, as the last size sync of this data center found it, and of the other data centers the caller sees.',
    what: 'The data center',
    response: sizeList,
    load: async (user, { params }) => ({ sizes: await sizesForDataCenter(user, params.dataCenterId!) }),
  }),
];
