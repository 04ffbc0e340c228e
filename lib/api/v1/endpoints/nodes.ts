import 'server-only';
import { readNodeHostKey, repinNodeHostKey } from '@/lib/nodes/host-key';
import { probeNode, registerNode, setNodeDcAddress, testNodeConnection } from '@/lib/nodes/operations';
import { getNodeDetails, listImagesOnNode } from '@/lib/nodes/queries';
import { decommissionNode, enableNode, putNodeInMaintenance } from '@/lib/nodes/status';
import { defineRead, defineWrite, type Endpoint } from '@/lib/api/v1/endpoint';
import { nodeDetails } from '@/lib/api/v1/responses/locations';
import {
  hostKeyRead,
  hostKeyRepinned,
  nodeCapacity,
  nodeDcAddressSet,
  nodeProbed,
  nodeRegistered,
  nodeStatusChanged,
} from '@/lib/api/v1/responses/nodes';

const tag = 'Nodes';

/** Compute nodes: registered with a pinned host key, then enabled, maintained or decommissioned. */
export const NODE_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/nodes/{nodeId}',
    tag,
    summary: 'One node with its images (public key only, never the private one)',
    description: 'Node Details as data: connection, status, capacity, and each image on the node with its state.',
    what: 'The node',
    response: nodeDetails,
    load: async (user, { params }) => {
      const details = await getNodeDetails(user, params.nodeId!);
      return details && { ...details, images: await listImagesOnNode(details.node.id) };
    },
  }),
  defineWrite({
    method: 'POST',
    path: '/data-centers/{dataCenterId}/node-probes',
    tag,
    summary: 'Connect to a would-be node once and read its host key fingerprint, to confirm before registering',
    description:
      'SuperAdmins only. Give an existing `credentialId`, or a `privateKey` (with its passphrase if encrypted) to store as a new credential. Nothing is registered; compare the fingerprint with the node’s own before you register it.',
    op: probeNode,
    response: nodeProbed,
  }),
  defineWrite({
    method: 'POST',
    path: '/data-centers/{dataCenterId}/nodes',
    tag,
    summary: 'Register a node with the host key fingerprint the probe showed',
    description: 'The fingerprint is pinned: from then on the portal refuses any other host key for this node.',
    op: registerNode,
    status: 201,
    response: nodeRegistered,
  }),
  defineWrite({
    method: 'POST',
    path: '/nodes/{nodeId}/connection-test',
    tag,
    summary: 'Test the connection and refresh capacity',
    description: 'Connects with the pinned host key and reads CPUs, memory and free disk.',
    op: testNodeConnection,
    body: 'none',
    response: nodeCapacity,
  }),
  defineWrite({
    method: 'POST',
    path: '/nodes/{nodeId}/enable',
    tag,
    summary: 'Enable a node in maintenance or error',
    description: 'An enabled node accepts installs again.',
    op: enableNode,
    body: 'none',
    response: nodeStatusChanged,
  }),
  defineWrite({
    method: 'POST',
    path: '/nodes/{nodeId}/maintenance',
    tag,
    summary: 'Put a node in maintenance; a reason is required',
    description: 'A node in maintenance accepts no installs; the reason is shown with its status.',
    op: putNodeInMaintenance,
    response: nodeStatusChanged,
  }),
  defineWrite({
    method: 'POST',
    path: '/nodes/{nodeId}/decommission',
    tag,
    summary: 'Decommission a node; its images become unavailable',
    description: 'Refused with 409 while the node has jobs queued, running or paused. `confirmed` must be true.',
    op: decommissionNode,
    response: nodeStatusChanged,
  }),
  defineWrite({
    method: 'POST',
    path: '/nodes/{nodeId}/host-key-reads',
    tag,
    summary: 'Read the node’s current host key, next to the pinned one',
    description: 'For a node whose host key changed: shows both fingerprints, changing nothing.',
    op: readNodeHostKey,
    body: 'none',
    response: hostKeyRead,
  }),
  defineWrite({
    method: 'PUT',
    path: '/nodes/{nodeId}/host-key',
    tag,
    summary: 'Re-pin the host key; the fingerprint read must still match',
    description: 'The node must present this fingerprint when the portal connects to re-pin it.',
    op: repinNodeHostKey,
    response: hostKeyRepinned,
  }),
  defineWrite({
    method: 'PUT',
    path: '/nodes/{nodeId}/dc-address',
    tag,
    summary: 'Set the address the node’s peers copy images from it on; blank goes back to its host',
    description:
      'An IP address or a host name. Relayed installs copy from the node there, and a copy to the node is accepted only from there.',
    op: setNodeDcAddress,
    response: nodeDcAddressSet,
  }),
];
