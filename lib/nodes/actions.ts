'use server';

import { serverAction } from '@/lib/actions/server-action';
import { setNodeDcAddress } from './dc-address';
import { readNodeHostKey, repinNodeHostKey } from './host-key';
import {
  discardRegistrationKey,
  generateRegistrationKey,
  probeNode,
  registerNode,
  testNodeConnection,
} from './operations';
import { decommissionNode, enableNode, putNodeInMaintenance } from './status';

export const generateRegistrationKeyAction = serverAction(generateRegistrationKey);

export const discardRegistrationKeyAction = serverAction(discardRegistrationKey);

export const probeNodeAction = serverAction(probeNode);

export const registerNodeAction = serverAction(registerNode, {
  revalidate: (r) => ['/locations', `/nodes/${r.id}`],
  redirectTo: (r) => `/nodes/${r.id}`,
});

export const testNodeConnectionAction = serverAction(testNodeConnection, {
  revalidate: () => ['/locations', '/nodes'],
});

// A node's status shows on its data center, on Image Availability and on every image's nodes.
const statusPages = () => ['/locations', '/nodes', '/images'];

export const enableNodeAction = serverAction(enableNode, { revalidate: statusPages });

export const putNodeInMaintenanceAction = serverAction(putNodeInMaintenance, { revalidate: statusPages });

export const decommissionNodeAction = serverAction(decommissionNode, { revalidate: statusPages });

export const readNodeHostKeyAction = serverAction(readNodeHostKey);

export const repinNodeHostKeyAction = serverAction(repinNodeHostKey, { revalidate: () => ['/nodes'] });

export const setNodeDcAddressAction = serverAction(setNodeDcAddress, { revalidate: (r) => [`/nodes/${r.id}`] });
