'use server';

import { serverAction } from '@/lib/actions/server-action';
import { generateNodeKey, probeNode, registerNode, testNodeConnection } from './operations';

export const generateNodeKeyAction = serverAction(generateNodeKey);

export const probeNodeAction = serverAction(probeNode);

export const registerNodeAction = serverAction(registerNode, {
  revalidate: (r) => ['/locations', `/nodes/${r.id}`],
  redirectTo: (r) => `/nodes/${r.id}`,
});

export const testNodeConnectionAction = serverAction(testNodeConnection, {
  revalidate: () => ['/locations', '/nodes'],
});
