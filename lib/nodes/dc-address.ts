import 'server-only';
import { eq } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/tables';
import { authorizeOnNode, requireNode } from './queries';
import { nodeDcAddressSchema } from './schemas';

/**
 * Sets the address the node's peers in its data center reach it on (relayed installs copy from it
 * there, and a copy to it is accepted only from there); blank goes back to its host.
 */
export const setNodeDcAddress = defineOperation({
  name: 'node.dc-address.set',
  targetType: 'node',
  input: nodeDcAddressSchema,
  authorize: authorizeOnNode,
  run: async (input) => {
    const node = await requireNode(input.nodeId);
    const dcAddress = input.dcAddress ?? null;
    await getDb().update(nodes).set({ dcAddress, updatedAt: now() }).where(eq(nodes.id, node.id));
    return { id: node.id, from: node.dcAddress, to: dcAddress };
  },
  audited: (result) => ({ details: { from: result.from, to: result.to } }),
});
